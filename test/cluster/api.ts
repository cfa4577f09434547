/**
 * A small HTTPS client for the test API server: discovery (kind to resource path), server-side
 * apply with strict field validation, and the `Warning` headers the server sends (PodSecurity
 * "would violate" warnings arrive that way, exactly as kubectl prints them).
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import { dump } from 'js-yaml';
import type { Manifest } from '../../src/model/manifest';
import type { ControlPlane } from './control-plane';

export interface ApiResponse {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
  readonly warnings: string[];
}

export type K8sObject = Manifest;

export class Api {
  private readonly ca: Buffer;
  private readonly resources = new Map<string, { plural: string; namespaced: boolean }>();

  constructor(private readonly cp: Pick<ControlPlane, 'server' | 'token' | 'caFile'>) {
    this.ca = fs.readFileSync(cp.caFile);
  }

  request(method: string, path: string, body?: string, contentType = 'application/json'): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const req = https.request(
        this.cp.server + path,
        {
          method,
          ca: this.ca,
          headers: {
            Authorization: `Bearer ${this.cp.token}`,
            Accept: 'application/json',
            ...(body === undefined ? {} : { 'Content-Type': contentType }),
          },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            let parsed: unknown = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: keep the text
            }
            const header = res.headers.warning;
            const warnings = header === undefined ? [] : (Array.isArray(header) ? header : [header]);
            resolve({ status: res.statusCode ?? 0, body: parsed, warnings });
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Resource name and scope of a kind, from the server's discovery documents. */
  async resourceOf(apiVersion: string, kind: string): Promise<{ plural: string; namespaced: boolean }> {
    const key = `${apiVersion}/${kind}`;
    const cached = this.resources.get(key);
    if (cached) return cached;
    const res = await this.request('GET', apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
    if (res.status !== 200) throw new Error(`the server does not serve ${apiVersion}: ${res.status}`);
    for (const r of res.body.resources as Array<{ name: string; kind: string; namespaced: boolean }>) {
      if (!r.name.includes('/')) this.resources.set(`${apiVersion}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
    const found = this.resources.get(key);
    if (!found) throw new Error(`the server has no kind ${kind} in ${apiVersion}`);
    return found;
  }

  async pathOf(o: K8sObject): Promise<string> {
    const { plural, namespaced } = await this.resourceOf(o.apiVersion, o.kind);
    const base = o.apiVersion.includes('/') ? `/apis/${o.apiVersion}` : `/api/${o.apiVersion}`;
    const ns = namespaced ? `/namespaces/${o.metadata.namespace ?? 'default'}` : '';
    return `${base}${ns}/${plural}/${o.metadata.name}`;
  }

  /** Server-side apply (strict field validation); `dryRun` persists nothing. */
  async apply(o: K8sObject, opts: { dryRun?: boolean; fieldManager?: string } = {}): Promise<ApiResponse> {
    const query = new URLSearchParams({ fieldManager: opts.fieldManager ?? 'gitops-synth-test', fieldValidation: 'Strict' });
    if (opts.dryRun) query.set('dryRun', 'All');
    return this.request('PATCH', `${await this.pathOf(o)}?${query}`, dump(o), 'application/apply-patch+yaml');
  }

  async get(o: K8sObject): Promise<ApiResponse> {
    return this.request('GET', await this.pathOf(o));
  }

  async create(o: K8sObject, dryRun = false): Promise<ApiResponse> {
    const path = await this.pathOf(o);
    const collection = path.slice(0, path.lastIndexOf('/'));
    return this.request('POST', `${collection}?fieldValidation=Strict${dryRun ? '&dryRun=All' : ''}`, JSON.stringify(o));
  }

  /** Waits until a CRD reports Established, so its kind can be applied. */
  async waitEstablished(name: string, timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const res = await this.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`);
      const conditions: Array<{ type: string; status: string }> = res.body?.status?.conditions ?? [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) return;
      if (Date.now() > deadline) throw new Error(`CRD ${name} not established: ${JSON.stringify(res.body?.status)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
