import { gunzipSync } from "node:zlib";
import { createLocalJWKSet, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import {
  buildCredential,
  type CredentialInput,
  encodeStatusList,
  generateIssuerKey,
  isRevoked,
  signCredential,
  verifyCredential,
} from "./credential.js";

// Rendering and RSA key generation take seconds when CI shares its cores.
vi.setConfig({ testTimeout: 30_000 });

const input: CredentialInput = {
  id: "https://campus.example.org/api/certificates/c-42/credential",
  issuer: {
    id: "https://campus.example.org/issuer",
    name: "Northfield Institute",
    url: "https://campus.example.org",
  },
  subject: { id: "mailto:zoe@example.org", name: "Zoë Ñúñez-Øberg" },
  achievement: {
    id: "https://campus.example.org/courses/data-eng",
    name: "Foundations of Data Engineering",
    description: "Completed every material and passed every exam of the course.",
    criteria: "Complete all required materials and pass all published exams.",
  },
  validFrom: new Date("2025-06-14T10:00:00.250Z"),
  status: { listUrl: "https://campus.example.org/api/credentials/status/1", index: 42 },
};

// An outside verifier: only jose, the issuer's published JWKS and an explicit algorithm list.
async function outsideVerify(jwt: string, keys: { keys: object[] }) {
  return jwtVerify(jwt, createLocalJWKSet(keys as never), { algorithms: ["RS256"] });
}

describe("Open Badges 3.0 credentials", () => {
  it("are signed VC-JWTs whose registered claims mirror the credential", async () => {
    const key = await generateIssuerKey();
    const jwt = await signCredential(buildCredential(input), key);

    const { payload, protectedHeader } = await outsideVerify(jwt, { keys: [key.publicJwk] });
    expect(protectedHeader).toMatchObject({ alg: "RS256", kid: key.kid });
    expect(payload["@context"]).toEqual([
      "https://www.w3.org/ns/credentials/v2",
      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]);
    expect(payload.type).toEqual(["VerifiableCredential", "OpenBadgeCredential"]);
    expect(payload).toMatchObject({
      iss: input.issuer.id,
      jti: input.id,
      sub: "mailto:zoe@example.org",
      nbf: Math.floor(input.validFrom.getTime() / 1000),
      validFrom: "2025-06-14T10:00:00Z",
      issuer: { type: ["Profile"], name: "Northfield Institute" },
      credentialSubject: { type: ["AchievementSubject"], achievement: { type: ["Achievement"] } },
      credentialStatus: {
        type: "BitstringStatusListEntry",
        statusPurpose: "revocation",
        statusListIndex: "42",
      },
    });
    expect(key.publicJwk).not.toHaveProperty("d");

    const verified = await verifyCredential(jwt, { keys: [key.publicJwk] });
    expect(verified.kid).toBe(key.kid);
    expect(verified.credential.credentialSubject.name).toBe("Zoë Ñúñez-Øberg");
  });

  it("fail when the payload is tampered with", async () => {
    const key = await generateIssuerKey();
    const [header, payload, signature] = (await signCredential(buildCredential(input), key)).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    claims.credentialSubject.name = "Mallory";
    const forged = [header, Buffer.from(JSON.stringify(claims)).toString("base64url"), signature].join(".");

    await expect(outsideVerify(forged, { keys: [key.publicJwk] })).rejects.toThrow(/signature/i);
    await expect(verifyCredential(forged, { keys: [key.publicJwk] })).rejects.toMatchObject({
      reason: "signature",
    });
  });

  it("fail under a key the issuer never published", async () => {
    const issuer = await generateIssuerKey();
    const impostor = await generateIssuerKey();
    const jwt = await signCredential(buildCredential(input), { ...impostor, kid: issuer.kid });

    await expect(outsideVerify(jwt, { keys: [issuer.publicJwk] })).rejects.toThrow();
    await expect(verifyCredential(jwt, { keys: [issuer.publicJwk] })).rejects.toMatchObject({
      reason: "signature",
    });
  });

  it("keep verifying under the old key after the issuer rotates", async () => {
    const old = await generateIssuerKey();
    const oldJwt = await signCredential(buildCredential(input), old);
    const current = await generateIssuerKey();
    const newJwt = await signCredential(buildCredential(input), current);
    const jwks = { keys: [current.publicJwk, old.publicJwk] };

    expect(decodeProtectedHeader(oldJwt).kid).toBe(old.kid);
    expect((await outsideVerify(oldJwt, jwks)).protectedHeader.kid).toBe(old.kid);
    expect((await outsideVerify(newJwt, jwks)).protectedHeader.kid).toBe(current.kid);
    expect((await verifyCredential(oldJwt, jwks)).kid).toBe(old.kid);
  });

  it("refuse claims that do not mirror the credential, and expired credentials", async () => {
    const key = await generateIssuerKey();
    const credential = buildCredential(input);
    // Sign a payload whose sub differs from credentialSubject.id: the signature holds, the claims do not.
    const claims = {
      ...credential,
      iss: credential.issuer.id,
      jti: credential.id,
      nbf: Date.parse(credential.validFrom) / 1000,
    };
    const lying = await new SignJWT({ ...claims, sub: "mailto:someone-else@example.org" })
      .setProtectedHeader({ alg: "RS256", kid: key.kid })
      .sign(await importJWK(key.privateJwk, "RS256"));
    await expect(verifyCredential(lying, { keys: [key.publicJwk] })).rejects.toMatchObject({
      reason: "claims",
    });

    const expiring = await signCredential(
      buildCredential({ ...input, validUntil: new Date("2026-01-01T00:00:00Z") }),
      key,
    );
    await expect(
      verifyCredential(expiring, { keys: [key.publicJwk] }, { now: new Date("2025-12-31T00:00:00Z") }),
    ).resolves.toBeTruthy();
    await expect(
      verifyCredential(expiring, { keys: [key.publicJwk] }, { now: new Date("2026-01-02T00:00:00Z") }),
    ).rejects.toMatchObject({ reason: "expired" });
  });

  it("report a revoked index through the status list", async () => {
    const key = await generateIssuerKey();
    const jwt = await signCredential(buildCredential(input), key);
    const list = encodeStatusList([3, 42, 131_071]);

    expect(list.startsWith("u")).toBe(true);
    expect(isRevoked(list, 42)).toBe(true);
    expect(isRevoked(list, 41)).toBe(false);
    expect(isRevoked(list, 131_071)).toBe(true);
    await expect(
      verifyCredential(jwt, { keys: [key.publicJwk] }, { statusList: list }),
    ).rejects.toMatchObject({
      reason: "revoked",
    });
    await expect(
      verifyCredential(jwt, { keys: [key.publicJwk] }, { statusList: encodeStatusList([3]) }),
    ).resolves.toBeTruthy();
  });

  it("encode the status list as the W3C spec lays out the bits", () => {
    const list = encodeStatusList([0, 9], 16);
    expect([...gunzipSync(Buffer.from(list.slice(1), "base64url"))]).toEqual([0b1000_0000, 0b0100_0000]);
  });
});
