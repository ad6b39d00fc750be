/**
 * Every AWS client in the bench talks to local endpoints only; dummy credentials and a region
 * make the SDK's default clients (ours and the baselines') work without any AWS account.
 */
process.env.AWS_REGION = "local";
process.env.AWS_ACCESS_KEY_ID = "local";
process.env.AWS_SECRET_ACCESS_KEY = "local";
delete process.env.AWS_SESSION_TOKEN;
delete process.env.AWS_PROFILE;
// Nobody reads CloudWatch metrics here; Powertools would print them to stdout.
process.env.POWERTOOLS_METRICS_DISABLED = "true";
