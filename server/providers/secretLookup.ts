/**
 * Where a provider gets the value of a secret its squad file names (`apiKeyEnv`, `${env:NAME}` in a
 * header). The CLI and the server read the process environment; inside VS Code the extension passes a
 * lookup that tries SecretStorage first. Values go to the SDK client and nowhere else.
 */
export type SecretLookup = (envName: string) => string | undefined;

export const processEnvSecrets: SecretLookup = (name) => {
  const value = process.env[name];
  // An empty variable is a variable someone meant to unset, not a key.
  return value === undefined || value === '' ? undefined : value;
};
