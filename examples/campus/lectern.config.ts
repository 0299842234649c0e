import { vector } from "@electric-sql/pglite-pgvector";
import { type AssistantOptions, assistant } from "@lectern/assistant";
import { attendance } from "@lectern/attendance";
import { bigBlueButton } from "@lectern/bigbluebutton";
import { certificates } from "@lectern/certificates";
import type { LecternConfig } from "@lectern/core";
import { courses } from "@lectern/courses";
import { exams } from "@lectern/exams";
import { googleMeet } from "@lectern/google-meet";
import { jitsi } from "@lectern/jitsi";
import { liveClasses } from "@lectern/live-classes";
import { manual, payments } from "@lectern/payments";
import { paypal } from "@lectern/paypal";
import { recommendations } from "@lectern/recommendations";
import { oidcProvider, sso } from "@lectern/sso";
import { stripe } from "@lectern/stripe";
import { zoom } from "@lectern/zoom";
import { defineBranding } from "./src/lib/branding.js";
import { defineInstitution, parseFaq } from "./src/lib/institution.js";

/**
 * The one place where this campus chooses and configures its plugins. Every value comes from
 * the environment, with defaults that work offline on the embedded database.
 */
const env = process.env;

/** The campus's look: name, logo and primary colour; the site derives every shade from them. */
export const branding = defineBranding({
  name: env.CAMPUS_NAME,
  logoUrl: env.CAMPUS_LOGO_URL,
  primaryColor: env.CAMPUS_PRIMARY_COLOR,
  tagline: env.CAMPUS_TAGLINE,
});

/** The About, Contact and FAQ pages; each unset value keeps a default written for any campus. */
export const institution = defineInstitution(branding.name, {
  about: env.CAMPUS_ABOUT,
  email: env.CAMPUS_CONTACT_EMAIL,
  phone: env.CAMPUS_CONTACT_PHONE,
  address: env.CAMPUS_ADDRESS,
  hours: env.CAMPUS_CONTACT_HOURS,
  // A JSON array of {"question": "…", "answer": "…"}.
  faq: parseFaq(env.CAMPUS_FAQ),
});

/** Jitsi always (no account needed); Zoom, Google Meet and BigBlueButton when their settings exist. */
function videoProviders() {
  const providers = [
    jitsi(
      env.JITSI_APP_ID && env.JITSI_APP_SECRET
        ? { domain: env.JITSI_DOMAIN, jwt: { appId: env.JITSI_APP_ID, appSecret: env.JITSI_APP_SECRET } }
        : { domain: env.JITSI_DOMAIN },
    ),
  ];
  if (env.ZOOM_ACCOUNT_ID && env.ZOOM_CLIENT_ID && env.ZOOM_CLIENT_SECRET && env.ZOOM_WEBHOOK_SECRET) {
    providers.push(
      zoom({
        accountId: env.ZOOM_ACCOUNT_ID,
        clientId: env.ZOOM_CLIENT_ID,
        clientSecret: env.ZOOM_CLIENT_SECRET,
        webhookSecret: env.ZOOM_WEBHOOK_SECRET,
      }),
    );
  }
  if (env.GOOGLE_MEET_SERVICE_ACCOUNT_JSON && env.GOOGLE_MEET_IMPERSONATE) {
    providers.push(
      googleMeet({
        serviceAccount: JSON.parse(env.GOOGLE_MEET_SERVICE_ACCOUNT_JSON),
        impersonate: env.GOOGLE_MEET_IMPERSONATE,
      }),
    );
  }
  if (env.BBB_URL && env.BBB_SECRET)
    providers.push(bigBlueButton({ url: env.BBB_URL, secret: env.BBB_SECRET }));
  return providers;
}

function stripeApi(url: string) {
  const { hostname, port, protocol } = new URL(url);
  const http = protocol === "http:";
  return {
    host: hostname,
    port: Number(port || (http ? 80 : 443)),
    protocol: http ? ("http" as const) : ("https" as const),
  };
}

export default {
  // PostgreSQL when DATABASE_URL is set; otherwise embedded PGlite keeping its data in a folder.
  database: env.DATABASE_URL
    ? { url: env.DATABASE_URL }
    : {
        dataDir: env.LECTERN_DATA_DIR ?? ".lectern/data",
        // With an embedding model, the assistant compares vectors with pgvector's bundle for PGlite.
        ...(env.ASSISTANT_EMBEDDING_MODEL && { extensions: { vector } }),
      },
  storage: env.LECTERN_FILES_DIR ?? ".lectern/files",
  publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT ?? 4321}`,
  timeZone: env.TIME_ZONE ?? "UTC",
  mail: {
    from: env.MAIL_FROM ?? '"Lectern Campus" <no-reply@campus.localhost>',
    // Without SMTP_URL, mail is written to .lectern/mail as .eml files.
    smtp: env.SMTP_URL || undefined,
    outboxDir: env.LECTERN_MAIL_DIR ?? ".lectern/mail",
  },
  http: {
    // "true" for one reverse proxy in front, or the number of proxies (the client address is the
    // rightmost X-Forwarded-For hop they did not add).
    trustProxy: env.TRUST_PROXY === "true" ? true : Number(env.TRUST_PROXY ?? 0) || false,
    trustedOrigins: env.TRUSTED_ORIGINS ? env.TRUSTED_ORIGINS.split(",").map((o) => o.trim()) : [],
  },
  plugins: [
    // Catalog, approval workflow, materials, enrollment and progress. Submitting for review asks for
    // a description, a section with a material and every exam published or left out.
    courses({ submitChecklist: true }),
    // Quiz builder, server-timed attempts, grading, GIFT/Aiken import; at most 10 questions an exam.
    exams({ maxQuestions: Number(env.EXAM_MAX_QUESTIONS ?? 10) }),
    // Certificates on completion, approved by an admin, verifiable at /verify/<code>.
    certificates({ institution: { name: branding.name } }),
    // Classes on Jitsi (and Zoom, Meet, BigBlueButton when configured), with the join redirect.
    liveClasses({ providers: videoProviders() }),
    // Days present, class attendance with roll call, reports and weekly low-attendance alerts.
    attendance({ threshold: Number(env.ATTENDANCE_THRESHOLD ?? 0.75) }),
    // Recommended courses with reasons, learning paths, and the instructor's at-risk warnings.
    recommendations({ digestPeriod: env.AT_RISK_DIGEST === "day" ? "day" : "week" }),
    // Paid courses: bank transfer always (an admin marks it paid); Stripe and PayPal when their keys are set.
    payments({
      gateways: [
        manual({
          instructions:
            env.PAYMENTS_MANUAL_INSTRUCTIONS ??
            "Transfer {amount} to the campus account (IBAN GB33 BUKB 2020 1555 5555 55) quoting {reference}. Your enrollment starts once the payment office confirms it.",
          locale: env.LOCALE ?? "en-GB",
        }),
        ...(env.STRIPE_SECRET_KEY && env.STRIPE_WEBHOOK_SECRET
          ? [
              stripe({
                secretKey: env.STRIPE_SECRET_KEY,
                webhookSecret: env.STRIPE_WEBHOOK_SECRET,
                // A local fake Stripe for demos and the tour: STRIPE_API_URL=http://127.0.0.1:45xxx
                ...(env.STRIPE_API_URL ? { api: stripeApi(env.STRIPE_API_URL) } : {}),
              }),
            ]
          : []),
        ...(env.PAYPAL_CLIENT_ID && env.PAYPAL_CLIENT_SECRET && env.PAYPAL_WEBHOOK_ID
          ? [
              paypal({
                clientId: env.PAYPAL_CLIENT_ID,
                clientSecret: env.PAYPAL_CLIENT_SECRET,
                webhookId: env.PAYPAL_WEBHOOK_ID,
                environment: env.PAYPAL_ENVIRONMENT === "live" ? "live" : "sandbox",
                brandName: branding.name,
                // A local fake PayPal for demos: PAYPAL_API_URL=http://127.0.0.1:41xxx; its
                // certificates are trusted only because the same origin is named here.
                ...(env.PAYPAL_API_URL
                  ? { apiUrl: env.PAYPAL_API_URL, certOrigins: [new URL(env.PAYPAL_API_URL).origin] }
                  : {}),
              }),
            ]
          : []),
      ],
      institution: { name: branding.name },
      locale: env.LOCALE ?? "en-GB",
      // Gateways send the student back to the campus's own payment page.
      paymentPagePath: "/student/payments/:id",
    }),
    // The course Q&A assistant. Without a model it quotes the materials; a model answers in words.
    assistant(assistantOptions()),
    // "Sign in with <institution>" through its OpenID Connect provider, when configured.
    ...singleSignOn(),
  ],
} satisfies LecternConfig;

/**
 * The assistant's models, only when their settings are in the environment: an OpenAI-compatible
 * endpoint (OpenAI, Ollama, vLLM, llama.cpp) by ASSISTANT_BASE_URL, or Anthropic.
 */
function assistantOptions(): AssistantOptions {
  const provider = env.ASSISTANT_PROVIDER ?? (env.ANTHROPIC_API_KEY ? "anthropic" : "openai");
  const model = env.ASSISTANT_MODEL;
  const apiKey = provider === "anthropic" ? env.ANTHROPIC_API_KEY : env.OPENAI_API_KEY;
  const configured = model && (apiKey || env.ASSISTANT_BASE_URL);
  return {
    storeConversations: env.ASSISTANT_STORE_CONVERSATIONS !== "false",
    ...(configured && {
      model:
        provider === "anthropic"
          ? { provider: "anthropic", model, apiKey }
          : { provider: "openai", model, apiKey, baseUrl: env.ASSISTANT_BASE_URL || undefined },
    }),
    ...(env.ASSISTANT_EMBEDDING_MODEL && {
      embeddings: {
        provider: "openai",
        model: env.ASSISTANT_EMBEDDING_MODEL,
        apiKey: env.OPENAI_API_KEY,
        baseUrl: env.ASSISTANT_BASE_URL || undefined,
      },
    }),
  };
}

/**
 * Single sign-on, only when the institution's OpenID Connect provider is configured
 * (SSO_ISSUER, SSO_CLIENT_ID, SSO_CLIENT_SECRET). Register `<PUBLIC_URL>/api/sso/<SSO_ID>/callback`
 * with the provider. A failed sign-in comes back to the login dialog, which explains it.
 */
function singleSignOn() {
  if (!env.SSO_ISSUER || !env.SSO_CLIENT_ID || !env.SSO_CLIENT_SECRET) return [];
  return [
    sso({
      providers: [
        oidcProvider({
          id: env.SSO_ID ?? "institution",
          name: env.SSO_NAME ?? branding.name,
          issuer: env.SSO_ISSUER,
          clientId: env.SSO_CLIENT_ID,
          clientSecret: env.SSO_CLIENT_SECRET,
        }),
      ],
      allowedDomains: env.SSO_ALLOWED_DOMAINS ? env.SSO_ALLOWED_DOMAINS.split(",").map((d) => d.trim()) : [],
      passwordSignIn: env.SSO_PASSWORD_SIGN_IN !== "false",
      afterSignIn: "/dashboard",
      errorPage: "/?login=student",
    }),
  ];
}
