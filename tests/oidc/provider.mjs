// A real OpenID provider on loopback for Convene's sign-in tests:
// oidc-provider (panva), an OpenID Certified implementation, with its own
// development interactions (a login form and a consent form that a test
// drives with plain HTTP), PKCE required, and a few accounts.
//
//   node provider.mjs PORT CLIENTS_JSON [OPTIONS_JSON]
//
// CLIENTS_JSON: [{"client_id", "client_secret", "redirect_uris": [...]}].
// OPTIONS_JSON: {"conform": true} keeps the address out of the ID token and
// at the userinfo endpoint only (oidc-provider's default, the letter of
// OpenID Connect Core 5.4); by default it is in the ID token, as most
// providers put it. {"alg": "ES256"} signs ID tokens with an EC P-256 key
// rather than RSA (RS256). {"hs256": true} also advertises HS256 (an ID
// token MACed with the client's secret) in discovery.
// The issuer is http://127.0.0.1:PORT. Prints "ready ISSUER" once listening.
//
// Accounts (the login form's `login` field):
//   alice       alice@igf.example, verified
//   newcomer    newcomer@allowed.example, verified
//   unverified  unverified@igf.example, email_verified=false
//   outsider    outsider@elsewhere.example, verified
//   anything with an @: that address, verified
//
// One addition for the refusals a correct provider never produces (an ID
// token for another audience, with another nonce, expired, from another
// issuer, or signed with another key): POST /_harness/tamper with
// {"code", "claims": {...}, "foreign_key": bool, "hmac": secret} marks an
// authorization code; when that code is exchanged, the provider issues its
// real token response and this harness then rewrites the ID token's named
// claims and signs it again with the provider's own signing key (or, with
// foreign_key, a fresh key under the same key id; with hmac, HS256 keyed
// with that secret). Everything else the client sees —
// discovery, the code, PKCE, the JWKS, every other claim — stays the real
// provider's.

import { createServer } from 'node:http';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const [port, clientsJson, optionsJson = '{}'] = process.argv.slice(2);
const options = JSON.parse(optionsJson);
if (!port || !clientsJson) {
  console.error('usage: node provider.mjs PORT CLIENTS_JSON');
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;

const alg = options.alg ?? 'RS256';
const clients = JSON.parse(clientsJson).map((c) => ({
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
  id_token_signed_response_alg: alg,
  ...c,
}));

const ACCOUNTS = {
  alice: { email: 'alice@igf.example', email_verified: true, name: 'Alice Example' },
  newcomer: { email: 'newcomer@allowed.example', email_verified: true, name: 'New Comer' },
  unverified: { email: 'unverified@igf.example', email_verified: false, name: 'Un Verified' },
  outsider: { email: 'outsider@elsewhere.example', email_verified: true, name: 'Out Sider' },
};

function account(id) {
  if (ACCOUNTS[id]) return ACCOUNTS[id];
  if (id.includes('@')) return { email: id, email_verified: true, name: id.split('@')[0] };
  return undefined;
}

// The signing key, made at each start (nothing secret is kept on disk).
const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), kid: 'harness-1', alg, use: 'sig' };

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [jose.base64url.encode(crypto.getRandomValues(new Uint8Array(32)))] },
  conformIdTokenClaims: Boolean(options.conform),
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
  },
  // PKCE for every client, so a client that leaves it out is refused.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  ...(options.hs256 ? { enabledJWA: { idTokenSigningAlgValues: [alg, 'HS256'] } } : {}),
  async findAccount(_ctx, sub) {
    const found = account(sub);
    if (!found) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, ...found };
      },
    };
  },
});
// Errors the provider answers with are expected in the refusal tests.
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

const tampered = new Map();

provider.use(async (ctx, next) => {
  if (ctx.method === 'POST' && ctx.path === '/_harness/tamper') {
    const body = await new Promise((resolve, reject) => {
      let data = '';
      ctx.req.on('data', (chunk) => { data += chunk; });
      ctx.req.on('end', () => resolve(data));
      ctx.req.on('error', reject);
    });
    const { code, claims = {}, foreign_key: foreignKey = false, hmac } = JSON.parse(body);
    tampered.set(code, { claims, foreignKey, hmac });
    ctx.status = 204;
    return;
  }
  await next();
  if (ctx.method !== 'POST' || ctx.path !== '/token' || ctx.status !== 200) return;
  const code = ctx.oidc?.params?.code;
  const change = code && tampered.get(code);
  if (!change || !ctx.body?.id_token) return;
  tampered.delete(code);
  const header = jose.decodeProtectedHeader(ctx.body.id_token);
  const payload = { ...jose.decodeJwt(ctx.body.id_token), ...change.claims };
  let key = privateKey;
  let signAlg = header.alg;
  if (change.foreignKey) {
    key = (await jose.generateKeyPair(header.alg)).privateKey;
  }
  if (change.hmac) {
    key = new TextEncoder().encode(change.hmac);
    signAlg = 'HS256';
  }
  ctx.body = {
    ...ctx.body,
    id_token: await new jose.SignJWT(payload)
      .setProtectedHeader({ alg: signAlg, kid: change.hmac ? undefined : header.kid, typ: header.typ })
      .sign(key),
  };
});

const server = createServer(provider.callback());
server.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
// Ends with the test that started it: when its stdin closes.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
