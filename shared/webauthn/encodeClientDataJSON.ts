/** The collected client data of a ceremony (WebAuthn §5.8.1). */
export interface ClientData {
  type: 'webauthn.create' | 'webauthn.get';
  /** base64url, exactly as the relying party sent it in the options. */
  challenge: string;
  /** The origin the browser reports for the tab, never a value the page claims. */
  origin: string;
  crossOrigin?: boolean;
}

/**
 * Serialises client data as the browser does: keys in the spec's order (type, challenge, origin,
 * crossOrigin), so relying parties that check the serialisation prefix accept it. JSON.stringify
 * escapes strings compatibly with the spec's CCDToString.
 */
export function encodeClientDataJSON(data: ClientData): Uint8Array<ArrayBuffer> {
  const ordered = {
    type: data.type,
    challenge: data.challenge,
    origin: data.origin,
    crossOrigin: data.crossOrigin ?? false,
  };
  return new TextEncoder().encode(JSON.stringify(ordered));
}
