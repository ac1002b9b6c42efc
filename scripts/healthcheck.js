// The image's HEALTHCHECK: GET /health/live on this container's own port, over HTTPS when
// TLS_CERT_FILE is set. Loopback only, so the certificate's name is not checked.
const secure = Boolean(process.env.TLS_CERT_FILE);
const client = require(secure ? 'node:https' : 'node:http');
const request = client.get(
  {
    host: '127.0.0.1',
    port: Number(process.env.PORT || 3000),
    path: '/health/live',
    timeout: 2500,
    rejectUnauthorized: false,
  },
  (res) => {
    res.resume();
    process.exit(res.statusCode === 200 ? 0 : 1);
  },
);
request.on('timeout', () => request.destroy(new Error('timeout')));
request.on('error', () => process.exit(1));
