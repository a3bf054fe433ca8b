/**
 * Serializes segments with envelopes whose counts and control numbers are always right:
 * SE01 counts ST..SE, GE01 counts sets, IEA01 counts groups.
 * https://x12.org — X12.5 Interchange Control Structures
 */
export interface WriterOptions {
  senderId: string;
  receiverId: string;
  controlNumber: number;
  date: Date;
  usageIndicator?: 'P' | 'T';
  senderQualifier?: string;
  receiverQualifier?: string;
  /** Segment terminator; default '~'. A newline after it keeps files readable. */
  segmentTerminator?: string;
  newline?: boolean;
}

const pad = (v: string, n: number) => v.slice(0, n).padEnd(n, ' ');
const two = (n: number) => String(n).padStart(2, '0');

export function x12Date8(d: Date): string {
  return `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
}
export function x12Time4(d: Date): string {
  return `${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
}
/** YYYY-MM-DD → CCYYMMDD. */
export function d8(iso: string): string {
  return iso.replace(/-/g, '');
}

export class X12Writer {
  private readonly out: string[] = [];
  private setStart = -1;
  private setCount = 0;
  private groupCount = 0;
  private groupControl = 0;
  private setControl = '';
  private readonly term: string;

  constructor(private readonly o: WriterOptions) {
    this.term = (o.segmentTerminator ?? '~') + (o.newline === false ? '' : '\n');
    const isa = [
      'ISA', '00', pad('', 10), '00', pad('', 10), o.senderQualifier ?? 'ZZ', pad(o.senderId, 15), o.receiverQualifier ?? 'ZZ', pad(o.receiverId, 15),
      x12Date8(o.date).slice(2), x12Time4(o.date), '^', '00501', String(o.controlNumber).padStart(9, '0'), '0', o.usageIndicator ?? 'P', ':',
    ];
    this.out.push(isa.join('*') + this.term);
  }

  /** Appends one segment; trailing empty elements are dropped (X12 syntax). */
  segment(id: string, ...elements: Array<string | number | undefined | null>): this {
    const els = elements.map((e) => (e === undefined || e === null ? '' : String(e)));
    while (els.length && els[els.length - 1] === '') els.pop();
    this.out.push([id, ...els].join('*') + this.term);
    return this;
  }

  gs(functionalId: string, version: string, controlNumber: number): this {
    this.groupControl = controlNumber;
    this.setCount = 0;
    this.groupCount++;
    return this.segment('GS', functionalId, this.o.senderId, this.o.receiverId, x12Date8(this.o.date), x12Time4(this.o.date), controlNumber, 'X', version);
  }

  st(id: string, control: string, guide: string): this {
    this.setStart = this.out.length;
    this.setControl = control;
    this.setCount++;
    return this.segment('ST', id, control, guide);
  }

  se(): this {
    const count = this.out.length - this.setStart + 1;
    return this.segment('SE', count, this.setControl);
  }

  ge(): this {
    return this.segment('GE', this.setCount, this.groupControl);
  }

  toString(): string {
    return this.out.join('') + ['IEA', this.groupCount, String(this.o.controlNumber).padStart(9, '0')].join('*') + this.term;
  }
}
