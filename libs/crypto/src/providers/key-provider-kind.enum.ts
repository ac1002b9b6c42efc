/** The root-key backends; the service validates its configuration against these values. */
export enum KeyProviderKind {
  Local = 'local',
  Rsa = 'rsa',
  AwsKms = 'aws-kms',
  Pkcs11 = 'pkcs11',
}
