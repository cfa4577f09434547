export * from './objects';
export * from './rules';
export * from './flows';
export * from './gate';
