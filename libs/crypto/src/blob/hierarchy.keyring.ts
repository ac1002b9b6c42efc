import {
  KeyringNode,
  RawAesKeyringNode,
  RawAesWrappingSuiteIdentifier,
  type EncryptedDataKey,
  type NodeDecryptionMaterial,
  type NodeEncryptionMaterial,
} from '@aws-crypto/client-node';
import { CryptoErrorCode } from '../errors/crypto-error-code.enum';
import { CryptoError } from '../errors/crypto-error';
import { KeyringManager } from '../keys/keyring.manager';

export const BLOB_KEY_NAMESPACE = 'privacy-service/keyring';
/** The raw AES keyring appends tag length (4), IV length (4) and IV (12) to the key name. */
const RAW_INFO_SUFFIX = 20;
const KEY_NAME = /^([A-Za-z0-9._-]{1,64})#([1-9][0-9]{0,9})$/;

/**
 * An SDK keyring that wraps message data keys with the keyring data key of an alias (active
 * version on encrypt, the version named in the EDK on decrypt), in the raw AES keyring's format
 * with key name "alias#version". Any AWS Encryption SDK holding that keyring key can decrypt.
 */
export class HierarchyKeyring extends KeyringNode {
  constructor(
    private readonly keyring: KeyringManager,
    private readonly alias: string,
  ) {
    super();
  }

  async _onEncrypt(material: NodeEncryptionMaterial): Promise<NodeEncryptionMaterial> {
    const version = await this.keyring.activeVersion(this.alias);
    const raw = await this.rawKeyring(this.alias, version);
    return raw.onEncrypt(material);
  }

  async _onDecrypt(
    material: NodeDecryptionMaterial,
    edks: EncryptedDataKey[],
  ): Promise<NodeDecryptionMaterial> {
    for (const edk of edks) {
      if (edk.providerId !== BLOB_KEY_NAMESPACE || edk.rawInfo === undefined) {
        continue;
      }
      const name = Buffer.from(
        edk.rawInfo.subarray(0, Math.max(0, edk.rawInfo.length - RAW_INFO_SUFFIX)),
      );
      const match = KEY_NAME.exec(name.toString('utf8'));
      if (match === null) {
        continue;
      }
      const raw = await this.rawKeyring(match[1], Number(match[2]));
      return raw.onDecrypt(material, [edk]);
    }
    throw new CryptoError(CryptoErrorCode.UnknownKey, 'blob names no keyring key of this service');
  }

  private async rawKeyring(alias: string, version: number): Promise<RawAesKeyringNode> {
    let key = this.keyring.take(alias, version);
    if (key === undefined) {
      await this.keyring.load(alias, version);
      key = this.keyring.take(alias, version);
    }
    if (key === undefined) {
      throw new CryptoError(
        CryptoErrorCode.UnknownKey,
        `keyring key ${alias} v${version} unavailable`,
      );
    }
    return new RawAesKeyringNode({
      keyNamespace: BLOB_KEY_NAMESPACE,
      keyName: `${alias}#${version}`,
      // A copy: the SDK keeps it for the keyring's lifetime, the cache may zero its own.
      unencryptedMasterKey: new Uint8Array(key),
      wrappingSuite: RawAesWrappingSuiteIdentifier.AES256_GCM_IV12_TAG16_NO_PADDING,
    });
  }
}
