/**
 * Nothing routes the extension's loopback connection to a proxy: `*_PROXY` variables without a
 * `NO_PROXY` that covers 127.0.0.1, and managed proxy policy (a PAC file decides per URL; a
 * bypass list with `<-loopback>` sends loopback to the proxy on purpose).
 */
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';
import { readPolicyFiles } from './readPolicyFiles.js';

const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'WS_PROXY', 'WSS_PROXY'];

/** Whether a NO_PROXY value exempts 127.0.0.1 (exact host, `*`, or a 127.0.0.0/8 CIDR). */
export function noProxyCoversLoopback(value: string | undefined): boolean {
  const entries = (value ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  return entries.some((e) => ['*', '127.0.0.1', '127.0.0.0/8', '127.0.0.1/32'].includes(e.replace(/:\d+$/, '')));
}

export async function checkProxy(ctx: DoctorContext): Promise<DoctorResult> {
  const set = Object.keys(ctx.env).filter((k) => PROXY_VARIABLES.includes(k.toUpperCase()) && ctx.env[k]);
  const noProxy = ctx.env.NO_PROXY ?? ctx.env.no_proxy;
  if (set.length > 0 && !noProxyCoversLoopback(noProxy)) {
    return doctorResult(
      'proxy',
      'fail',
      `${set.join(', ')} set and NO_PROXY (${noProxy ? `"${noProxy}"` : 'unset'}) does not cover 127.0.0.1`,
      'add 127.0.0.1 and localhost to NO_PROXY (e.g. NO_PROXY=127.0.0.1,localhost) where the browser starts',
    );
  }
  for (const file of await readPolicyFiles(ctx.policyDirs)) {
    const p = file.policy ?? {};
    const settings = (p.ProxySettings ?? {}) as Record<string, unknown>;
    const bypass = String(p.ProxyBypassList ?? settings.ProxyBypassList ?? '');
    if (bypass.includes('<-loopback>')) {
      return doctorResult(
        'proxy',
        'fail',
        `${file.path}: the proxy bypass list has <-loopback>, so loopback goes to the proxy`,
        'IT: remove <-loopback> from ProxyBypassList',
      );
    }
    if (p.ProxyPacUrl ?? settings.ProxyPacUrl) {
      return doctorResult(
        'proxy',
        'warn',
        `${file.path}: a PAC file decides (${String(p.ProxyPacUrl ?? settings.ProxyPacUrl)})`,
        'IT: make the PAC file return DIRECT for 127.0.0.1 and localhost',
      );
    }
  }
  return doctorResult(
    'proxy',
    'ok',
    set.length > 0 ? `${set.join(', ')} set, NO_PROXY covers 127.0.0.1` : 'no proxy variables or proxy policy',
  );
}
