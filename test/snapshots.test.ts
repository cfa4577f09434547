/** A snapshot per system and environment: any change to the generated manifests shows up in review. */
import { synthesizeRepo } from './support/manifests';

const { tree } = synthesizeRepo();
const folders = [...new Set([...tree.keys()].map((p) => p.split('/').slice(0, 2).join('/')))].sort();

test.each(folders)('dist/%s matches its snapshot', (folder) => {
  const files = Object.fromEntries([...tree.entries()].filter(([p]) => p.startsWith(`${folder}/`)).sort(([a], [b]) => a.localeCompare(b)));
  expect(files).toMatchSnapshot();
});
