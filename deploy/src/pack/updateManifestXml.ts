/**
 * The update manifest Chrome fetches from a self-hosted extension's update URL (gupdate protocol
 * 2.0): one app, its CRX location, version and minimum browser version. Values are XML-escaped.
 */
const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (value: string) => value.replace(/[&<>"']/g, (c) => escapes[c] ?? c);

export function updateManifestXml(options: {
  extensionId: string;
  version: string;
  crxUrl: string;
  minChromeVersion?: string;
}): string {
  const min = options.minChromeVersion ? ` prodversionmin="${escapeXml(options.minChromeVersion)}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">
  <app appid="${escapeXml(options.extensionId)}">
    <updatecheck codebase="${escapeXml(options.crxUrl)}" version="${escapeXml(options.version)}"${min} />
  </app>
</gupdate>
`;
}
