/**
 * The daemon's loopback port answers HTTP (what the extension's WebSocket opens with). A running
 * daemon whose port does not answer points at another program on the port or an endpoint
 * security product blocking loopback.
 */
import { request } from 'node:http';
import { type DoctorResult, doctorResult } from '../../../shared/doctor/doctorChecks.js';
import type { DoctorContext } from './DoctorContext.js';

export async function checkPort(ctx: DoctorContext): Promise<DoctorResult> {
  if (!ctx.status.ok) return doctorResult('port', 'skip', 'the daemon is not running');
  const { port } = ctx.status.value.daemon;
  const answer = await new Promise<string | undefined>((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 5_000 }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
    req.on('error', (err) => resolve(`error: ${err.message}`));
    req.end();
  });
  if (answer?.startsWith('error')) {
    return doctorResult(
      'port',
      'fail',
      `127.0.0.1:${port} does not answer (${answer})`,
      'check that endpoint security allows loopback connections to this port, or restart the daemon',
    );
  }
  return doctorResult('port', 'ok', `ws://127.0.0.1:${port} answers`);
}
