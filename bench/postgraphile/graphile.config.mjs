// The access token is checked here as linehub checks it (HS256, issuer,
// type, expiry); the session behind it (live, not revoked, the token's person) and the
// visible lines are checked by PostgreSQL row security (rls.sql) for the role set here.
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

// linehub signs with the SHA-256 of SECRET_KEY (auth/tokens.py)
const key = createHash("sha256").update(process.env.SECRET_KEY).digest();

function claimsOf(header) {
  const token = (header || "").replace(/^Bearer /, "");
  const [head, body, signature] = token.split(".");
  if (!signature) return null;
  const expected = createHmac("sha256", key).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const header_ = JSON.parse(Buffer.from(head, "base64url"));
  const claims = JSON.parse(Buffer.from(body, "base64url"));
  if (header_.alg !== "HS256" || claims.iss !== "linehub" || claims.typ !== "access") return null;
  if (!(claims.exp > Date.now() / 1000)) return null;
  return claims;
}

export default {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      poolConfig: { max: 10 },
    }),
  ],
  grafserv: { graphqlPath: "/graphql", graphiql: false, watch: false },
  grafast: {
    explain: false,
    context(requestContext) {
      const claims = claimsOf(requestContext.node?.req?.headers?.authorization);
      return {
        pgSettings: {
          role: "linehub_bench_viewer",
          "linehub.user_id": claims ? String(claims.sub) : "",
          "linehub.session_id": claims ? String(claims.sid) : "",
        },
      };
    },
  },
};
