// crxjs: importing a content script with `?script` builds it and yields its output path.
declare module '*?script' {
  const file: string;
  export default file;
}
