// A real OpenID provider (oidc-provider) on loopback for the single sign-on e2e tests. ESM, so it
// runs as its own process: `node oidc-provider.mjs`, configured by environment, and prints
// {"issuer": "..."} on its first stdout line once it listens. Logins need no form: the account
// is the login_hint of the authorization request, and consent is granted at once.
import { createServer } from 'node:http';
import Provider from 'oidc-provider';

const { OIDC_TEST_CLIENT_ID, OIDC_TEST_CLIENT_SECRET, OIDC_TEST_REDIRECT_URI } = process.env;
/** sub -> claims; PUT /test/accounts/<sub> with a JSON body of claims sets one. */
const accounts = new Map();

const server = createServer();
server.listen(0, '127.0.0.1', () => {
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_TEST_CLIENT_ID,
        client_secret: OIDC_TEST_CLIENT_SECRET,
        redirect_uris: [OIDC_TEST_REDIRECT_URI],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['roles', 'name'] },
    cookies: { keys: ['loopback-test-provider'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) =>
      accounts.has(sub)
        ? { accountId: sub, claims: () => ({ sub, ...accounts.get(sub) }) }
        : undefined,
  });
  provider.use(async (ctx, next) => {
    const account = /^\/test\/accounts\/([^/]+)$/.exec(ctx.path);
    if (account && ctx.method === 'PUT') {
      const chunks = [];
      for await (const chunk of ctx.req) chunks.push(chunk);
      accounts.set(decodeURIComponent(account[1]), JSON.parse(Buffer.concat(chunks).toString()));
      ctx.status = 204;
      return;
    }
    if (ctx.path.startsWith('/interaction/')) {
      const details = await provider.interactionDetails(ctx.req, ctx.res);
      let result;
      if (details.prompt.name === 'login') {
        result = { login: { accountId: details.params.login_hint } };
      } else {
        const grant = details.grantId
          ? await provider.Grant.find(details.grantId)
          : new provider.Grant({
              accountId: details.session.accountId,
              clientId: details.params.client_id,
            });
        grant.addOIDCScope(details.params.scope);
        const missing = details.prompt.details.missingOIDCClaims;
        if (missing) grant.addOIDCClaims(missing);
        result = { consent: { grantId: await grant.save() } };
      }
      ctx.redirect(
        await provider.interactionResult(ctx.req, ctx.res, result, {
          mergeWithLastSubmission: true,
        }),
      );
      return;
    }
    await next();
  });
  server.on('request', provider.callback());
  process.stdout.write(`${JSON.stringify({ issuer })}\n`);
});
