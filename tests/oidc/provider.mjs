// A real OpenID Connect provider for the OIDC integration test: panva's oidc-provider (tools/node).
// Usage: node provider.mjs <config.json>; prints "listening <issuer>" when ready.
// config.json: {"port", "keys": [private JWKs, the first one signs], "audience", "clients": [...],
//               "cookie_key"}. Access tokens are JWTs (RFC 9068, typ at+jwt) for the one resource.
// People sign in through the provider's development login form (any password).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(new URL('../../tools/node/package.json', import.meta.url));
const { default: Provider } = await import(pathToFileURL(require.resolve('oidc-provider')).href);

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = `http://127.0.0.1:${config.port}`;
const resource = {
  scope: 'kvalitet',
  audience: config.audience,
  accessTokenFormat: 'jwt',
  accessTokenTTL: 300,
  jwt: { sign: { alg: 'ES256' } },
};

const provider = new Provider(issuer, {
  clients: config.clients,
  clientDefaults: { id_token_signed_response_alg: 'ES256', grant_types: ['authorization_code'] },
  jwks: { keys: config.keys },
  cookies: { keys: [config.cookie_key] },
  scopes: ['openid', 'kvalitet'],
  claims: { openid: ['sub'] },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.audience,
      useGrantedResource: () => true,
      getResourceServerInfo: () => resource,
    },
  },
  // Claims an identity provider may add; the API must take roles from its own org data, not from here.
  extraTokenClaims: () => ({ roles: ['systemadministrator', 'socialchef'] }),
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
  ttl: { AccessToken: 300, ClientCredentials: 300, IdToken: 300 },
});
provider.on('server_error', (_ctx, err) => console.error('server_error', err));

const server = createServer(provider.callback());
server.listen(config.port, '127.0.0.1', () => console.log(`listening ${issuer}`));
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
