import { gunzipSync } from "node:zlib";
import { createTestLectern, type TestLectern, type TestUser } from "@lectern/core/testing";
import { courses } from "@lectern/courses";
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { certificates, type OpenBadgeCredential } from "./index.js";
import { courseToComplete, pendingRequest, type TestCourse } from "./test-helpers.js";

// Everything below verifies as an outside party would: the credential, the JWKS and the status
// list fetched over HTTP, and nothing but `jose` and node:zlib to check them.

const PUBLIC_URL = "https://campus.example.org";
let t: TestLectern;
let admin: TestUser;
let course: TestCourse;

beforeAll(async () => {
  t = await createTestLectern({
    publicUrl: PUBLIC_URL,
    plugins: [courses(), certificates({ institution: { name: "Northfield Institute" } })],
  });
  admin = await t.createUser("admin");
  course = await courseToComplete(t, await t.createUser("instructor"), admin);
});
afterAll(() => t.close());

async function issuedCredential(name: string) {
  const { student, certificate } = await pendingRequest(t, course, { name });
  expect((await t.as(admin).post(`/api/admin/certificates/${certificate.id}/approve`)).status).toBe(200);
  const response = await t.as(student).get(`/api/certificates/${certificate.id}/credential`);
  expect(response.status).toBe(200);
  return { id: certificate.id, jwt: Buffer.from(response.body).toString() };
}

async function jwks(): Promise<JSONWebKeySet> {
  const response = await t.anonymous.get("/.well-known/jwks.json");
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toContain("application/json");
  return response.body;
}

/** What a verifier does: signature with an explicit algorithm list, then the mirrored claims. */
async function verify(jwt: string, keys: JSONWebKeySet) {
  const { payload, protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(keys), {
    algorithms: ["RS256"],
  });
  const credential = payload as JWTPayload & OpenBadgeCredential;
  expect(payload.iss).toBe(credential.issuer.id);
  expect(payload.jti).toBe(credential.id);
  expect(payload.sub).toBe(credential.credentialSubject.id);
  expect(payload.nbf).toBe(Date.parse(credential.validFrom) / 1000);
  return { credential, kid: protectedHeader.kid };
}

/** Fetches the status list the credential names, verifies it, and reads the credential's bit. */
async function revokedBit(credential: OpenBadgeCredential, keys: JSONWebKeySet): Promise<boolean> {
  const status = credential.credentialStatus!;
  expect(status.type).toBe("BitstringStatusListEntry");
  expect(status.statusListCredential.startsWith(PUBLIC_URL)).toBe(true);
  const response = await t.anonymous.get(status.statusListCredential.slice(PUBLIC_URL.length));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("application/vc+jwt");
  const { payload } = await jwtVerify(Buffer.from(response.body).toString(), createLocalJWKSet(keys), {
    algorithms: ["RS256"],
  });
  const list = payload as JWTPayload & { type: string[]; credentialSubject: { encodedList: string } };
  expect(list.type).toContain("BitstringStatusListCredential");
  const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), "base64url"));
  const index = Number(status.statusListIndex);
  return (bits[index >> 3]! & (0x80 >> (index & 7))) !== 0;
}

describe("the credential, checked with jose alone", () => {
  it("verifies against the served JWKS and says what the certificate says", async () => {
    const { jwt } = await issuedCredential("Zoë Ñúñez-Øberg");
    const keys = await jwks();
    const { credential, kid } = await verify(jwt, keys);
    expect(keys.keys.map((k) => k.kid)).toContain(kid);
    expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: "RS256", typ: "JWT" });
    expect(credential).toMatchObject({
      type: ["VerifiableCredential", "OpenBadgeCredential"],
      issuer: { id: `${PUBLIC_URL}/api/credentials/issuer`, name: "Northfield Institute", type: ["Profile"] },
      credentialSubject: {
        type: ["AchievementSubject"],
        name: "Zoë Ñúñez-Øberg",
        achievement: { name: course.title, id: `${PUBLIC_URL}/api/courses/${course.id}` },
      },
    });
    expect(credential["@context"]).toContain("https://www.w3.org/ns/credentials/v2");
    for (const key of keys.keys) expect(key).not.toHaveProperty("d"); // no private half is ever served
    expect(await revokedBit(credential, keys)).toBe(false);
    const issuer = await t.anonymous.get("/api/credentials/issuer");
    expect(issuer.body).toMatchObject({ id: credential.issuer.id, type: ["Profile"] });
  });

  it("fails when the payload is tampered with", async () => {
    const { jwt } = await issuedCredential("Henrik Lindqvist");
    const [header, payload, signature] = jwt.split(".");
    const forged = JSON.parse(Buffer.from(payload!, "base64url").toString());
    forged.credentialSubject.name = "Mallory";
    const tampered = [header, Buffer.from(JSON.stringify(forged)).toString("base64url"), signature].join(".");
    await expect(verify(tampered, await jwks())).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
  });

  it("fails when signed by another key, even one claiming the issuer's kid", async () => {
    const { jwt } = await issuedCredential("Margaret Okafor");
    const { kid } = decodeProtectedHeader(jwt);
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString());
    const { privateKey, publicKey } = await generateKeyPair("RS256");
    const forged = await new SignJWT(payload)
      .setProtectedHeader({ alg: "RS256", typ: "JWT", kid })
      .sign(privateKey);
    await expect(verify(forged, await jwks())).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    // And the genuine credential does not verify against a stranger's key set.
    const stranger = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: "RS256" }] };
    await expect(verify(jwt, stranger)).rejects.toMatchObject({
      code: "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
    });
    // An algorithm outside the verifier's list is refused before any key is tried.
    const hs = await new SignJWT(payload).setProtectedHeader({ alg: "HS256", kid }).sign(new Uint8Array(32));
    await expect(verify(hs, await jwks())).rejects.toMatchObject({ code: "ERR_JOSE_ALG_NOT_ALLOWED" });
  });

  it("shows a revoked credential as revoked in the published status list", async () => {
    const { id, jwt } = await issuedCredential("Αλέξανδρος Παπαδόπουλος");
    const keys = await jwks();
    const { credential } = await verify(jwt, keys); // the signature stays good: revocation is the list's job
    expect(await revokedBit(credential, keys)).toBe(false);
    const revoked = await t.as(admin).post(`/api/admin/certificates/${id}/revoke`, { reason: "Withdrawn." });
    expect(revoked.status).toBe(200);
    expect(await revokedBit(credential, keys)).toBe(true);
    expect((await t.anonymous.get(`/api/verify/${revoked.body.code}`)).body.valid).toBe(false);
    expect((await t.anonymous.get("/api/credentials/status/7")).status).toBe(404);
  });

  it("rotates the issuer key: new credentials use the new key, old ones still verify", async () => {
    const before = await issuedCredential("Before Rotation");
    const oldKid = decodeProtectedHeader(before.jwt).kid;
    const rotated = await t.as(admin).post("/api/admin/certificates/keys/rotate");
    expect(rotated.status).toBe(200);
    expect(rotated.body.current).not.toBe(oldKid);
    expect(rotated.body.keys).toContainEqual(
      expect.objectContaining({ kid: oldKid, retiredAt: expect.any(String) }),
    );

    const after = await issuedCredential("After Rotation");
    const keys = await jwks();
    expect(keys.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated.body.current]));
    expect((await verify(before.jwt, keys)).kid).toBe(oldKid);
    expect((await verify(after.jwt, keys)).kid).toBe(rotated.body.current);
    expect((await t.as(admin).get("/api/admin/certificates/keys")).body.current).toBe(rotated.body.current);
  });
});
