import { advisoryLock, type Executor, problems } from "@lectern/core";
import { and, eq, gte, inArray, lte, sql } from "drizzle-orm";
import type { JWK } from "jose";
import { normaliseCode } from "../code.js";
import {
  buildCredential,
  buildStatusListCredential,
  encodeStatusList,
  generateIssuerKey,
  type IssuerKey,
  type OpenBadgeCredential,
  STATUS_LIST_SIZE,
  signCredential,
} from "../credential.js";
import { certificates } from "../schema.js";
import { CertificatesPart, iso, KEYS_SETTING } from "./context.js";
import type { IssuerKeySummary, StoredKey, Verification, Viewer } from "./types.js";

/** Verification and credentials: the signed credential, public verification, issuer keys and status lists. */
export class CertificateCredentials extends CertificatesPart {
  get issuerProfileUrl(): string {
    return `${this.deps.publicUrl}/api/credentials/issuer`;
  }

  statusListUrl(list: number): string {
    return `${this.deps.publicUrl}/api/credentials/status/${list}`;
  }

  get issuer() {
    return {
      id: this.issuerProfileUrl,
      name: this.options.institution.name,
      url: this.options.institution.url ?? this.deps.publicUrl,
    };
  }

  /** The signed Open Badges 3.0 credential (VC-JWT) and its decoded payload. */
  async credentialOf(viewer: Viewer, id: string): Promise<{ jwt: string; credential: OpenBadgeCredential }> {
    const { row } = await this.views.downloadable(viewer, id);
    const jwt = row.credential!;
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));
    const { iss: _iss, jti: _jti, sub: _sub, nbf: _nbf, iat: _iat, exp: _exp, ...credential } = payload;
    return { jwt, credential: credential as OpenBadgeCredential };
  }

  /**
   * What anyone may learn from a code: who holds it, for which course, and whether it still
   * stands. Unknown codes count against the caller's address, so guessing is rate-limited.
   */
  async verify(input: string, address: string): Promise<Verification> {
    const key = `certificates.verify:${address}`;
    const rule = this.options.verifyRateLimit;
    const code = normaliseCode(input);
    const [row] = code
      ? await this.db
          .select()
          .from(certificates)
          .where(and(eq(certificates.code, code), inArray(certificates.status, ["issued", "revoked"])))
      : [];
    // Only failures count and only failures wait: someone checking a real certificate from an
    // address shared with a guesser still gets an answer. Codes are long random strings, so
    // answering hits does not make guessing practical.
    if (!row) {
      const wait = await this.deps.rateLimiter.retryAfter(key, rule);
      if (wait > 0) throw problems.tooManyRequests(wait, "Too many unknown codes. Try again later.");
      await this.deps.rateLimiter.hit(key, rule);
      throw problems.notFound("No certificate has this verification code. Check it for typing mistakes.", {
        type: "certificate-not-found",
        valid: false,
      });
    }
    return {
      valid: row.status === "issued",
      status: row.status as "issued" | "revoked",
      code: row.code!,
      holderName: row.holderName!,
      courseTitle: row.courseTitle!,
      issuedAt: row.issuedAt!.toISOString(),
      revokedAt: iso(row.revokedAt),
      issuer: { name: this.issuer.name, url: this.issuer.url },
    };
  }

  /** Creates the issuer's signing key on first start; every instance agrees on one. */
  async ensureIssuerKey(): Promise<void> {
    if ((await this.keys()).some((k) => k.privateJwk)) return;
    await this.db.transaction(async (tx) => {
      await this.lockKeys(tx);
      const keys = (await this.deps.settings.get<{ keys: StoredKey[] }>(KEYS_SETTING, tx))?.keys ?? [];
      if (keys.some((k) => k.privateJwk)) return;
      const key = await generateIssuerKey();
      keys.push({ ...key, createdAt: this.deps.clock.now().toISOString() });
      await this.deps.settings.set(KEYS_SETTING, { keys }, tx);
      this.deps.logger.info({ kid: key.kid }, "generated the certificate issuer key");
    });
  }

  /** A new signing key; the old one keeps only its public half, so what it signed still verifies. */
  async rotateIssuerKey(): Promise<IssuerKeySummary> {
    const key = await generateIssuerKey();
    await this.db.transaction(async (tx) => {
      await this.lockKeys(tx);
      const keys = (await this.deps.settings.get<{ keys: StoredKey[] }>(KEYS_SETTING, tx))?.keys ?? [];
      const now = this.deps.clock.now().toISOString();
      const retired = keys.map(({ privateJwk: _private, ...k }) => ({ ...k, retiredAt: k.retiredAt ?? now }));
      await this.deps.settings.set(KEYS_SETTING, { keys: [...retired, { ...key, createdAt: now }] }, tx);
    });
    this.deps.logger.info({ kid: key.kid }, "rotated the certificate issuer key");
    return this.issuerKeys();
  }

  async issuerKeys(): Promise<IssuerKeySummary> {
    const keys = await this.keys();
    return {
      current: keys.find((k) => k.privateJwk)?.kid ?? "",
      keys: keys.map((k) => ({ kid: k.kid, createdAt: k.createdAt, retiredAt: k.retiredAt ?? null })),
    };
  }

  /** Every public key, current and retired, as served at `/.well-known/jwks.json`. */
  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: (await this.keys()).map((k) => k.publicJwk).reverse() };
  }

  /** The issuer's Open Badges profile, at the URL credentials name as their issuer. */
  issuerProfile() {
    return {
      "@context": [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
      ],
      id: this.issuer.id,
      type: ["Profile"],
      name: this.issuer.name,
      url: this.issuer.url,
    };
  }

  /** The signed Bitstring Status List credential for list `list` (131,072 certificates each). */
  async statusListCredential(list: number): Promise<string> {
    const [{ highest }] = (await this.db
      .select({ highest: sql<number | null>`max(${certificates.statusIndex})` })
      .from(certificates)) as [{ highest: number | null }];
    if (list > 0 && (highest === null || list > Math.floor(Number(highest) / STATUS_LIST_SIZE))) {
      throw problems.notFound("There is no such status list.");
    }
    const first = list * STATUS_LIST_SIZE;
    const revoked = await this.db
      .select({ index: certificates.statusIndex })
      .from(certificates)
      .where(
        and(
          eq(certificates.status, "revoked"),
          gte(certificates.statusIndex, first),
          lte(certificates.statusIndex, first + STATUS_LIST_SIZE - 1),
        ),
      );
    const credential = buildStatusListCredential({
      url: this.statusListUrl(list),
      issuer: this.issuer,
      encodedList: encodeStatusList(revoked.map((r) => r.index! - first)),
      validFrom: this.deps.clock.now(),
    });
    return signCredential(credential, await this.signingKey());
  }

  async keys(): Promise<StoredKey[]> {
    return (await this.deps.settings.get<{ keys: StoredKey[] }>(KEYS_SETTING))?.keys ?? [];
  }

  async lockKeys(tx: Executor): Promise<void> {
    await advisoryLock(tx, "certificates.issuer-keys");
  }

  async signingKey(): Promise<IssuerKey> {
    let key = (await this.keys()).find((k) => k.privateJwk);
    if (!key) {
      await this.ensureIssuerKey();
      key = (await this.keys()).find((k) => k.privateJwk);
    }
    return { kid: key!.kid, privateJwk: key!.privateJwk!, publicJwk: key!.publicJwk };
  }

  async signCredential(input: {
    id: string;
    userId: string;
    holderName: string;
    courseId: string;
    courseTitle: string;
    courseSummary: string;
    issuedAt: Date;
    statusIndex: number;
  }): Promise<string> {
    const list = Math.floor(input.statusIndex / STATUS_LIST_SIZE);
    const credential = buildCredential({
      id: `urn:uuid:${input.id}`,
      issuer: this.issuer,
      subject: { id: `urn:uuid:${input.userId}`, name: input.holderName },
      achievement: {
        id: `${this.deps.publicUrl}/api/courses/${input.courseId}`,
        name: input.courseTitle,
        description: input.courseSummary || input.courseTitle,
        criteria: this.options.criteria,
      },
      validFrom: input.issuedAt,
      status: { listUrl: this.statusListUrl(list), index: input.statusIndex % STATUS_LIST_SIZE },
    });
    return signCredential(credential, await this.signingKey());
  }
}
