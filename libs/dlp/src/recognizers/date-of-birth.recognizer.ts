import { forEachMatch, type Recognizer } from '../engine/recognizer';

const MONTHS =
  'jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?';
/** ISO, day/month/year in either order with one separator kind, and written-out months. */
const DATE = new RegExp(
  String.raw`(?<![\w/.-])(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})([/.-])(\d{1,2})\5(\d{4})|(\d{1,2})(?:st|nd|rd|th)? (${MONTHS})\.?,? (\d{4})|(${MONTHS})\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4}))(?![\w/-]|\.\d)`,
  'gi',
);
/**
 * Whether DATE can match: every match holds four digits of a year, either closing it after a
 * separator or a space, or opening an ISO date, with what DATE allows after the date. Looked
 * for from the four digits, which the engine finds fast, and checked behind them: texts with
 * no such year (prose, ISO time stamps) then skip the whole-text test for context words too.
 */
const YEAR_HINT =
  /\d\d\d\d(?:-\d\d?-\d\d?)?(?![\w/-]|\.\d)(?<=(?:^|[^\w/.-])\d{4}-\d\d?-\d\d?|[ /.-]\d{4})/;

const MONTH_INDEX = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

function monthNumber(name: string): number {
  return MONTH_INDEX.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

/** A real calendar date in the range a living person's birth date can have. */
function plausible(year: number, month: number, day: number): boolean {
  const now = new Date();
  if (year < 1900 || year > now.getUTCFullYear() || month < 1 || month > 12 || day < 1) {
    return false;
  }
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A date is only a date of birth in context ("born", "DOB", a `birthDate` key): alone it scores
 * below the default threshold, and the context boost lifts it above.
 */
export const dateOfBirthRecognizer: Recognizer = {
  entity: 'DATE_OF_BIRTH',
  context: [
    'born',
    'birth',
    'birthday',
    'dob',
    'd.o.b',
    'birthdate',
    'bday',
    'geburtsdatum',
    'naissance',
  ],
  maxScore: 0.2,
  mayMatch: (text) => YEAR_HINT.test(text),
  find(text, _ctx, out) {
    forEachMatch(DATE, text, (m) => {
      let ok: boolean;
      if (m[1] !== undefined) {
        ok = plausible(Number(m[1]), Number(m[2]), Number(m[3]));
      } else if (m[4] !== undefined) {
        const a = Number(m[4]);
        const b = Number(m[6]);
        const y = Number(m[7]);
        ok = plausible(y, b, a) || plausible(y, a, b);
      } else if (m[8] !== undefined) {
        ok = plausible(Number(m[10]), monthNumber(m[9]), Number(m[8]));
      } else {
        ok = plausible(Number(m[13]), monthNumber(m[11]), Number(m[12]));
      }
      if (ok) {
        out.push({
          entity: 'DATE_OF_BIRTH',
          start: m.index,
          end: m.index + m[0].length,
          score: 0.2,
        });
      }
    });
  },
};
