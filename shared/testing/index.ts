export { sampleCreationOptions, sampleRequestOptions } from './sampleOptions.js';
export { type Misbehaviour, SoftwareAuthenticator, type SoftwareCredential } from './softwareAuthenticator.js';
