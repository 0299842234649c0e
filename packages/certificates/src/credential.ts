import { gunzipSync, gzipSync } from "node:zlib";
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  type JWTVerifyGetKey,
  jwtVerify,
  SignJWT,
} from "jose";

export const CREDENTIAL_CONTEXT = [
  "https://www.w3.org/ns/credentials/v2",
  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
];
// 1EdTech's Open Badges 3.0 conformance accepts RS256; verifiers must name the algorithms they allow.
const ALGORITHMS = ["RS256"];

export interface IssuerKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

export interface OpenBadgeCredential {
  "@context": string[];
  id: string;
  type: ["VerifiableCredential", "OpenBadgeCredential"];
  name: string;
  issuer: { id: string; type: ["Profile"]; name: string; url: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: {
    id: string;
    type: ["AchievementSubject"];
    name?: string;
    achievement: {
      id: string;
      type: ["Achievement"];
      name: string;
      description: string;
      criteria: { narrative: string };
    };
  };
  credentialStatus?: {
    id: string;
    type: "BitstringStatusListEntry";
    statusPurpose: "revocation";
    statusListIndex: string;
    statusListCredential: string;
  };
}

export interface CredentialInput {
  /** The credential's own URI, e.g. the certificate's credential URL or `urn:uuid:…`. */
  id: string;
  issuer: { id: string; name: string; url: string };
  /** The holder: `id` is a URI such as `mailto:` or `urn:uuid:`; `name` is printed on the certificate. */
  subject: { id: string; name?: string };
  achievement: { id: string; name: string; description: string; criteria: string };
  validFrom: Date;
  validUntil?: Date;
  /** Where the holder's revocation bit lives: the status list credential's URL and the bit's index. */
  status?: { listUrl: string; index: number };
}

/** A fresh RS256 signing key (2048-bit RSA); `kid` is the RFC 7638 thumbprint, so it is stable and unique. */
export async function generateIssuerKey(): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", {
    modulusLength: 2048,
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const common = { kid, alg: "RS256", use: "sig" };
  return {
    kid,
    privateJwk: { ...(await exportJWK(privateKey)), ...common },
    publicJwk: { ...publicJwk, ...common },
  };
}

export function buildCredential(input: CredentialInput): OpenBadgeCredential {
  const credential: OpenBadgeCredential = {
    "@context": CREDENTIAL_CONTEXT,
    id: input.id,
    type: ["VerifiableCredential", "OpenBadgeCredential"],
    name: input.achievement.name,
    issuer: { id: input.issuer.id, type: ["Profile"], name: input.issuer.name, url: input.issuer.url },
    validFrom: isoSeconds(input.validFrom),
    credentialSubject: {
      id: input.subject.id,
      type: ["AchievementSubject"],
      ...(input.subject.name ? { name: input.subject.name } : {}),
      achievement: {
        id: input.achievement.id,
        type: ["Achievement"],
        name: input.achievement.name,
        description: input.achievement.description,
        criteria: { narrative: input.achievement.criteria },
      },
    },
  };
  if (input.validUntil) credential.validUntil = isoSeconds(input.validUntil);
  if (input.status) {
    credential.credentialStatus = {
      id: `${input.status.listUrl}#${input.status.index}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: String(input.status.index),
      statusListCredential: input.status.listUrl,
    };
  }
  return credential;
}

// JWT times are whole seconds; dropping milliseconds keeps validFrom and nbf equal.
function isoSeconds(date: Date): string {
  return new Date(Math.floor(date.getTime() / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

/** What signing needs of a credential: an OpenBadgeCredential, or the status list credential. */
export interface SignableCredential {
  id: string;
  issuer: { id: string };
  validFrom: string;
  validUntil?: string;
  credentialSubject: { id: string };
}

/** Signs as a VC-JWT (Open Badges 3.0 §8.2): the credential is the payload, registered claims mirror it. */
export async function signCredential(credential: SignableCredential, key: IssuerKey): Promise<string> {
  const jwt = new SignJWT({ ...credential })
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: key.kid })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setSubject(credential.credentialSubject.id)
    .setNotBefore(seconds(credential.validFrom))
    .setIssuedAt();
  if (credential.validUntil) jwt.setExpirationTime(seconds(credential.validUntil));
  return jwt.sign(await importJWK(key.privateJwk, "RS256"));
}

export class CredentialVerificationError extends Error {
  override readonly name = "CredentialVerificationError";
  constructor(
    readonly reason: "signature" | "claims" | "expired" | "not-yet-valid" | "revoked",
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyOptions {
  /** The `encodedList` of the issuer's revocation status list; checked when the credential has a status entry. */
  statusList?: string;
  now?: Date;
}

/**
 * Verifies signature (RS256 only), then that `iss`/`jti`/`nbf`/`sub`/`exp` mirror the credential, then validity
 * dates and, when given a status list, revocation. Throws CredentialVerificationError with the reason.
 */
export async function verifyCredential(
  jwt: string,
  keys: JSONWebKeySet | JWTVerifyGetKey,
  options: VerifyOptions = {},
): Promise<{ credential: OpenBadgeCredential; kid: string }> {
  const getKey = typeof keys === "function" ? keys : createLocalJWKSet(keys);
  const now = options.now ?? new Date();
  let result: Awaited<ReturnType<typeof jwtVerify>>;
  try {
    result = await jwtVerify(jwt, getKey, { algorithms: ALGORITHMS, currentDate: now });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED")
      throw new CredentialVerificationError("expired", "The credential has expired.");
    if (code === "ERR_JWT_CLAIM_VALIDATION_FAILED" && (error as { claim?: string }).claim === "nbf") {
      throw new CredentialVerificationError("not-yet-valid", "The credential is not valid yet.");
    }
    throw new CredentialVerificationError(
      "signature",
      `The signature does not verify: ${(error as Error).message}`,
    );
  }
  const { payload, protectedHeader } = result;
  const credential = payload as unknown as OpenBadgeCredential;
  const mismatch = [
    ["iss", payload.iss, credential.issuer?.id],
    ["jti", payload.jti, credential.id],
    ["sub", payload.sub, credential.credentialSubject?.id],
    ["nbf", payload.nbf, credential.validFrom && seconds(credential.validFrom)],
    ["exp", payload.exp, credential.validUntil && seconds(credential.validUntil)],
  ].find(([, claim, mirrored]) => claim !== (mirrored || undefined));
  if (mismatch || !credential.type?.includes("OpenBadgeCredential")) {
    throw new CredentialVerificationError(
      "claims",
      mismatch
        ? `The JWT claim "${mismatch[0]}" does not match the credential.`
        : "The payload is not an OpenBadgeCredential.",
    );
  }
  const status = credential.credentialStatus;
  if (
    status &&
    options.statusList !== undefined &&
    isRevoked(options.statusList, Number(status.statusListIndex))
  ) {
    throw new CredentialVerificationError("revoked", "The issuer has revoked this credential.");
  }
  return { credential, kid: protectedHeader.kid ?? "" };
}

/** 16 KiB of bits: the W3C minimum, so one credential's bit hides among 131,072 ("herd privacy"). */
export const STATUS_LIST_SIZE = 131_072;

/**
 * The `encodedList` of a W3C Bitstring Status List: bit i (counting from the most significant bit of
 * the first byte) is 1 when index i is revoked, GZIP-compressed, multibase base64url ("u" prefix).
 */
export function encodeStatusList(revokedIndexes: Iterable<number>, size = STATUS_LIST_SIZE): string {
  const bits = new Uint8Array(Math.ceil(size / 8));
  for (const index of revokedIndexes) {
    if (!Number.isInteger(index) || index < 0 || index >= size)
      throw new RangeError(`Index ${index} is outside the list.`);
    bits[index >> 3]! |= 0x80 >> (index & 7);
  }
  return `u${gzipSync(bits).toString("base64url")}`;
}

export function isRevoked(encodedList: string, index: number): boolean {
  const bits = gunzipSync(Buffer.from(encodedList.replace(/^u/, ""), "base64url"));
  if (!Number.isInteger(index) || index < 0 || index >= bits.length * 8) {
    throw new RangeError(`Index ${index} is outside the list.`);
  }
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

/** The unsigned BitstringStatusListCredential served at a credential's `statusListCredential` URL. */
export function buildStatusListCredential(input: {
  url: string;
  issuer: { id: string; name: string; url: string };
  encodedList: string;
  validFrom: Date;
}) {
  return {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    id: input.url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: { id: input.issuer.id, type: ["Profile"], name: input.issuer.name, url: input.issuer.url },
    validFrom: isoSeconds(input.validFrom),
    credentialSubject: {
      id: `${input.url}#list`,
      type: "BitstringStatusList",
      statusPurpose: "revocation",
      encodedList: input.encodedList,
    },
  };
}
