import type { RequestType } from '../../deadlines/deadline-rules';
import type { LocalDate } from '../local-due-date';
import { html, page, SafeHtml } from './html';
import type { MailTemplates, RenderedMail } from './mail-templates';

const WHAT: Readonly<Record<RequestType, string>> = {
  access: 'a copy of your personal data',
  erasure: 'the erasure of your personal data',
  rectification: 'the correction of your personal data',
  opt_out_sale: 'to opt out of the sale of your personal information',
  opt_out_sharing: 'to opt out of the sharing of your personal information',
};

/** "Monday 1 March 2027": the local date's own day, whatever zone this process runs in. */
function day(d: LocalDate): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).formatToParts(new Date(`${d.date}T12:00:00Z`));
  const part = (type: Intl.DateTimeFormatPartTypes): string =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
}

const dueLine = (d: LocalDate): string => `${day(d)} (${d.zone} time)`;

function mail(subject: string, paragraphs: string[], markup: SafeHtml[]): RenderedMail {
  return { subject, text: `${paragraphs.join('\n\n')}\n`, html: page('en', subject, markup) };
}

const reference = (id: string): string => `Request reference: ${id}`;
const SIGN_OFF = 'This message was sent automatically by our privacy team.';

/** English. */
export const en: MailTemplates = {
  verificationCode: ({ requestId, code, minutes }) =>
    mail(
      'Your privacy request verification code',
      [
        `Your verification code is ${code}.`,
        `It expires in ${minutes} minutes. ${reference(requestId)}.`,
        'If you did not ask for this, ignore this message.',
      ],
      [
        html`Your verification code is <strong>${code}</strong>.`,
        html`It expires in ${minutes} minutes. ${reference(requestId)}.`,
        html`If you did not ask for this, ignore this message.`,
      ],
    ),

  receipt: ({ requestId, type, due }) =>
    mail(
      'We have received your privacy request',
      [
        `We have received your request for ${WHAT[type]}.`,
        `We will answer by ${dueLine(due)} at the latest.`,
        `${reference(requestId)}.`,
        SIGN_OFF,
      ],
      [
        html`We have received your request for ${WHAT[type]}.`,
        html`We will answer by <strong>${dueLine(due)}</strong> at the latest.`,
        html`${reference(requestId)}.`,
        html`${SIGN_OFF}`,
      ],
    ),

  extension: ({ requestId, type, due, reason }) =>
    mail(
      'We need more time for your privacy request',
      [
        `We need more time to answer your request for ${WHAT[type]}.`,
        `Reason: ${reason}`,
        `We will now answer by ${dueLine(due)} at the latest.`,
        `${reference(requestId)}.`,
        SIGN_OFF,
      ],
      [
        html`We need more time to answer your request for ${WHAT[type]}.`,
        html`Reason: ${reason}`,
        html`We will now answer by <strong>${dueLine(due)}</strong> at the latest.`,
        html`${reference(requestId)}.`,
        html`${SIGN_OFF}`,
      ],
    ),

  rejection: ({ requestId, type, reason }) =>
    mail(
      'We cannot carry out your privacy request',
      [
        `We cannot carry out your request for ${WHAT[type]}.`,
        `Reason: ${reason}`,
        'You may lodge a complaint with a data protection supervisory authority and seek a judicial remedy.',
        `${reference(requestId)}.`,
        SIGN_OFF,
      ],
      [
        html`We cannot carry out your request for ${WHAT[type]}.`,
        html`Reason: ${reason}`,
        html`You may lodge a complaint with a data protection supervisory authority and seek a
        judicial remedy.`,
        html`${reference(requestId)}.`,
        html`${SIGN_OFF}`,
      ],
    ),

  completion: ({ requestId, type, download, done }) => {
    const [text, markup] = completed(type, download, done);
    return mail(
      'Your privacy request is complete',
      [text, `${reference(requestId)}.`, SIGN_OFF],
      [markup, html`${reference(requestId)}.`, html`${SIGN_OFF}`],
    );
  },
};

function completed(
  type: RequestType,
  download?: { url: string; expiresAt: Date },
  done?: { systems: number; records: number },
): [string, SafeHtml] {
  if (download) {
    const until = `${download.expiresAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    return [
      `A copy of your personal data is ready. Download it (a ZIP file) here:\n${download.url}\nThe link works until ${until}.`,
      html`A copy of your personal data is ready. <a href="${download.url}">Download it</a> (a ZIP
        file); the link works until ${until}.<br />${download.url}`,
    ];
  }
  const systems = `${done?.systems ?? 0} ${done?.systems === 1 ? 'system' : 'systems'}`;
  const records = `${done?.records ?? 0} ${done?.records === 1 ? 'record' : 'records'}`;
  const line =
    type === 'erasure'
      ? `We have erased your personal data: ${records} in ${systems}.`
      : type === 'rectification'
        ? `We have corrected your personal data: ${records} in ${systems}.`
        : `Your opt-out is recorded: ${systems} took part, ${records} updated.`;
  return [line, html`${line}`];
}
