// crx3 ships no types; this is the part of its API packExtension uses.
declare module 'crx3' {
  interface Crx3Options {
    keyPath: string;
    crxPath: string;
    zipPath?: string;
    xmlPath?: string;
  }
  interface Crx3Result {
    appId: string;
  }
  function crx3(files: string[], options: Crx3Options): Promise<Crx3Result>;
  export default crx3;
}
