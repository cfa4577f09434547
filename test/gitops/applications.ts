/**
 * Reading Argo CD's own view of things: each Application's sync and health status, its
 * conditions and its last operation, and a watcher that reports every change of sync/health,
 * so that a run can be followed live (GITOPS_WATCH=1) and read afterwards (applications.log).
 */
import * as fs from 'node:fs';
import { Api } from '../cluster/api';
import { ARGOCD_NAMESPACE } from './argocd';

export interface ResourceStatus {
  readonly group?: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly status?: string;
  readonly health?: { status?: string; message?: string };
  readonly syncWave?: number;
  readonly hook?: boolean;
  readonly requiresPruning?: boolean;
}

export interface ResourceResult {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly status?: string;
  readonly message?: string;
  readonly hookType?: string;
  readonly hookPhase?: string;
  readonly syncPhase?: string;
}

export interface ArgoApplication {
  readonly metadata: { name: string; namespace: string; annotations?: Record<string, string> };
  readonly spec: Record<string, unknown>;
  readonly status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    conditions?: Array<{ type: string; message: string }>;
    resources?: ResourceStatus[];
    operationState?: {
      phase?: string;
      message?: string;
      startedAt?: string;
      finishedAt?: string;
      /** What was asked: a selective sync (self-heal of drifted objects) lists its resources. */
      operation?: { sync?: { revision?: string; resources?: Array<{ group?: string; kind: string; name: string; namespace?: string }> } };
      syncResult?: { revision?: string; resources?: ResourceResult[] };
    };
  };
}

export async function listApplications(api: Api): Promise<ArgoApplication[]> {
  const r = await api.request('GET', `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`);
  if (r.status !== 200) throw new Error(`listing Applications: ${r.status} ${JSON.stringify(r.body)}`);
  return (r.body.items as ArgoApplication[]).sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
}

export async function getApplication(api: Api, name: string): Promise<ArgoApplication | undefined> {
  const r = await api.request('GET', `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications/${name}`);
  return r.status === 200 ? (r.body as ArgoApplication) : undefined;
}

/** `Synced/Healthy`, plus the operation phase while one runs, plus conditions. */
export function summary(app: ArgoApplication): string {
  const s = app.status;
  const op = s?.operationState?.phase === 'Running' ? ` (syncing: ${s.operationState.message ?? ''})` : '';
  const conditions = (s?.conditions ?? []).map((c) => ` [${c.type}: ${c.message}]`).join('');
  return `${s?.sync?.status ?? 'Unknown'}/${s?.health?.status ?? 'Unknown'}${op}${conditions}`;
}

export interface ApplicationWatcher {
  stop(): void;
}

/** Polls the Applications and writes one line per change of an Application's summary. */
export function watchApplications(api: Api, logFile: string, echo: boolean, intervalMs = 2000): ApplicationWatcher {
  const last = new Map<string, string>();
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const start = Date.now();
  const tick = async () => {
    try {
      for (const app of await listApplications(api)) {
        const now = summary(app);
        if (last.get(app.metadata.name) === now) continue;
        last.set(app.metadata.name, now);
        const line = `[${((Date.now() - start) / 1000).toFixed(0).padStart(4)} s] ${app.metadata.name}: ${now}\n`;
        fs.appendFileSync(logFile, line);
        if (echo) process.stderr.write(line);
      }
    } catch {
      // The API server is going away at the end of the run; nothing to report.
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return {
    stop: () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}
