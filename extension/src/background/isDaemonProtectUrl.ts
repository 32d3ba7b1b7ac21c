/**
 * Whether a `protect.request` URL is the daemon's own Protect window: http on loopback, the
 * daemon's port, under /protect/. The schema already limits it to loopback; this pins the port
 * too, so the extension never opens a window on some other local server it was pointed at.
 */
export function isDaemonProtectUrl(url: string, daemonPort: number): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === 'http:' &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname) &&
    parsed.port === String(daemonPort) &&
    parsed.pathname.startsWith('/protect/')
  );
}
