import { ValidationFailed } from 'src/common/http/validation-failed';
import { createValidationPipe } from 'src/common/http/validation.pipe';
import { DecryptRequestDto, EncryptRequestDto, RewrapRequestDto } from './field-crypto.dto';

const pipe = createValidationPipe();
type Dto = typeof EncryptRequestDto | typeof DecryptRequestDto | typeof RewrapRequestDto;
const asBody = (metatype: Dto, value: unknown) =>
  pipe.transform(value, { type: 'body', metatype, data: undefined });
const refusedFields = async (metatype: Dto, value: unknown): Promise<string[]> =>
  asBody(metatype, value).then(
    () => [],
    (error: unknown) => {
      if (!(error instanceof ValidationFailed)) {
        throw error;
      }
      return [...new Set(error.errors.map((e) => e.field))];
    },
  );

describe('field-crypto batch bodies through the validation pipe', () => {
  const fields = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, 'value']));

  it.each([
    ['encrypt', EncryptRequestDto, { fields, context: { table: 'users' }, keyAlias: 'pii' }],
    [
      'encrypt with a subject and blind indexes',
      EncryptRequestDto,
      {
        fields,
        subjectId: 'user-1',
        blindIndex: ['f1'],
      },
    ],
    ['decrypt', DecryptRequestDto, { fields, context: { table: 'users' } }],
    ['rewrap', RewrapRequestDto, { fields }],
  ])('passes a plainly valid %s body on as an instance, fields untouched', async (_, dto, body) => {
    const out = (await asBody(dto, JSON.parse(JSON.stringify(body)))) as Record<string, unknown>;
    expect(out).toBeInstanceOf(dto);
    expect(out).toEqual(Object.assign(new dto(), body));
  });

  it.each([
    ['an unknown property', EncryptRequestDto, { fields, extra: 1 }, 'extra'],
    ['a field that is not a string', DecryptRequestDto, { fields: { a: 1 } }, 'fields'],
    ['fields that are not an object', RewrapRequestDto, { fields: ['a'] }, 'fields'],
    ['a reserved context key', DecryptRequestDto, { fields, context: { 'svc:x': 'y' } }, 'context'],
    [
      "the service's former context of its own values",
      DecryptRequestDto,
      { fields, context: { table: 'privacy_requests', column: 'subject' } },
      'context',
    ],
    [
      "the service's former context of its own values, with more keys",
      EncryptRequestDto,
      { fields, context: { table: 'data_stores', column: 'connection', id: 'x' } },
      'context',
    ],
    ['a malformed key alias', EncryptRequestDto, { fields, keyAlias: 'no spaces' }, 'keyAlias'],
    ['an empty subject', EncryptRequestDto, { fields, subjectId: '' }, 'subjectId'],
    [
      'a reserved blind-index name',
      EncryptRequestDto,
      { fields, blindIndex: ['svc:a'] },
      'blindIndex',
    ],
    ['no fields', DecryptRequestDto, {}, 'fields'],
  ])('refuses %s with the errors the decorators give', async (_, dto, body, field) => {
    expect(await refusedFields(dto, body)).toEqual([field]);
  });

  it('leaves the keys the full validation strips to it', async () => {
    const body = JSON.parse('{"fields":{"constructor":"x","__proto__":"y","a":"b"}}') as object;
    const out = (await asBody(DecryptRequestDto, body)) as DecryptRequestDto;
    expect(out).toBeInstanceOf(DecryptRequestDto);
    expect(Object.keys(out.fields)).toEqual(['a']);
  });
});
