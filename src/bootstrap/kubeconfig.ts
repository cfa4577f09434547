/**
 * Which kubeconfig bootstrap reads, and the context it uses, with errors that say what is
 * missing. Without this, @kubernetes/client-node falls back to a made-up `loaded-context` for
 * http://localhost:8080 when no file exists, and the user reads "HTTP protocol is not allowed
 * when skipTLSVerify is not set" instead of "you have no kubeconfig".
 */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { BootstrapError } from './plan';

/** Where kubectl would look for a kubeconfig: passed in, so that library code never reads process.env. */
export interface KubeconfigLookup {
  /** --kubeconfig FILE; the only place looked at when given. @default - $KUBECONFIG, then ~/.kube/config */
  readonly file?: string;
  /** The KUBECONFIG variable: files separated by the platform's path delimiter. @default - unset */
  readonly kubeconfigVariable?: string;
  /** The user's home folder, for ~/.kube/config. */
  readonly home: string;
}

/** The kubeconfig files to read, in kubectl's order; fails naming every place looked at when none exists. */
export function kubeconfigFiles(lookup: KubeconfigLookup): string[] {
  const candidates =
    lookup.file !== undefined
      ? [lookup.file]
      : (lookup.kubeconfigVariable ?? '') !== ''
        ? lookup.kubeconfigVariable!.split(delimiter).filter((f) => f !== '')
        : [join(lookup.home, '.kube', 'config')];
  const found = candidates.filter((f) => existsSync(f));
  if (found.length === 0) {
    const where = lookup.file !== undefined ? '--kubeconfig' : (lookup.kubeconfigVariable ?? '') !== '' ? '$KUBECONFIG' : 'the default location';
    throw new BootstrapError(`no kubeconfig found (looked in ${candidates.join(', ')}, from ${where}): pass --kubeconfig FILE, set KUBECONFIG, or run kubectl config to create one`);
  }
  return found;
}

/** Switches to `context`, or fails naming the contexts the kubeconfig has. */
export function useContext(config: KubeConfig, context: string): void {
  if (config.getContextObject(context) === null) {
    const known = config.getContexts().map((c) => c.name);
    throw new BootstrapError(`context ${JSON.stringify(context)} not found; known: ${known.length > 0 ? known.join(', ') : '(none)'}`);
  }
  config.setCurrentContext(context);
}
