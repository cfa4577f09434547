/**
 * What a custom construct (constructs/) sees of synth: its props and the error it throws on
 * bad options. Kept apart from src/escape/custom.ts, which imports the registry, so that the
 * constructs import nothing that imports them.
 */
import type { Construct } from 'constructs';
import type { SystemContext } from '../model/context';

/** What a custom construct is given. */
export interface CustomConstructProps {
  /** The system in one environment: names (src/model/names.ts), labels, namespace, spec. */
  readonly ctx: SystemContext;
  /** The `options` of its entry in the spec, as written there. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A custom construct: adds its objects to `scope`; throws CustomConstructError on bad options. */
export type CustomConstruct = (scope: Construct, props: CustomConstructProps) => void;

/** Custom constructs by the name specs use. */
export type CustomConstructRegistry = Readonly<Record<string, CustomConstruct>>;

/** An option a custom construct cannot use; reported at the spec's `custom[i].options`. */
export class CustomConstructError extends Error {}
