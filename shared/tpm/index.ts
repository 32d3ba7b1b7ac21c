export * from './constants.js';
export { type ParsedCertifyInfo, parseCertifyInfo } from './parseAttest.js';
export {
  eccPublicJwk,
  eccSigningTemplate,
  eccStorageTemplate,
  objectName,
  type ParsedPublicArea,
  parsePublicArea,
} from './publicArea.js';
export { TpmFormatError, TpmReader, TpmWriter } from './TpmBuffer.js';
