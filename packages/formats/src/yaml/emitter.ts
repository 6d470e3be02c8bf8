/*
 * A YAML writer that produces the same bytes as go-yaml v3's emitter for
 * the node trees sops builds: block mappings and sequences, empty flow
 * collections, scalars and comments. The state variables (column,
 * indentation stack, pending comments, the blank line before a comment
 * after a foot comment) behave as go-yaml's, because sops files show every
 * one of their effects.
 */
import { analyzeScalar, isYamlBreak, isYamlPrintable, selectStyle, type ScalarAnalysis, type WriteStyle } from './emit-scalar.js';

export interface EmitEvent {
  kind: 'document-start' | 'document-end' | 'mapping-start' | 'mapping-end' | 'sequence-start' | 'sequence-end' | 'scalar';
  value: string;
  style: WriteStyle;
  head: string;
  line: string;
  foot: string;
  tail: string;
  /** Explicit tag written before a scalar, in short form such as `!!binary`. Absent when the scalar has none. */
  tag?: string;
}

type State =
  | 'first-document-start'
  | 'document-start'
  | 'document-content'
  | 'document-end'
  | 'block-sequence-first-item'
  | 'block-sequence-item'
  | 'block-mapping-first-key'
  | 'block-mapping-key'
  | 'block-mapping-simple-value'
  | 'block-mapping-value'
  | 'flow-sequence-first-item'
  | 'flow-mapping-first-key'
  | 'end';

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\b': 'b',
  '\t': 't',
  '\n': 'n',
  '\v': 'v',
  '\f': 'f',
  '\r': 'r',
  '\x1b': 'e',
  '"': '"',
  '\\': '\\',
  '\u0085': 'N',
  '\u00a0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

export class YamlEmitter {
  private out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private readonly indents: number[] = [];
  private state: State = 'first-document-start';
  private readonly states: State[] = [];
  private flowLevel = 0;
  private mappingContext = false;
  private simpleKeyContext = false;
  private footIndent = -1;
  private headComment = '';
  private lineComment = '';
  private footComment = '';
  private tailComment = '';
  private keyLineComment = '';
  private events: EmitEvent[] = [];
  private position = 0;
  private scalar: ScalarAnalysis = analyzeScalar('');

  /** `indent` is go-yaml's best indent: values outside 2..9 become 2. */
  constructor(private readonly bestIndent: number) {
    if (bestIndent < 2 || bestIndent > 9) {
      this.bestIndent = 2;
    }
  }

  /** Writes all events and returns the text. */
  emit(events: EmitEvent[]): string {
    this.events = events;
    for (this.position = 0; this.position < events.length; this.position++) {
      const event = events[this.position] as EmitEvent;
      this.analyze(event);
      this.handle(event);
    }
    return this.out.join('');
  }

  private nextEvent(): EmitEvent | undefined {
    return this.events[this.position + 1];
  }

  private analyze(event: EmitEvent): void {
    if (event.head !== '') this.headComment = event.head;
    if (event.line !== '') this.lineComment = event.line;
    if (event.foot !== '') this.footComment = event.foot;
    if (event.tail !== '') this.tailComment = event.tail;
    if (event.kind === 'scalar') {
      this.scalar = analyzeScalar(event.value);
    }
  }

  private popState(): void {
    this.state = this.states.pop() ?? 'end';
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  private handle(event: EmitEvent): void {
    switch (this.state) {
      case 'first-document-start':
      case 'document-start':
        this.documentStart(this.state === 'first-document-start');
        return;
      case 'document-content':
        this.states.push('document-end');
        this.processHeadComment();
        this.emitNode(event, false, false);
        this.processLineComment(false);
        this.processFootComment();
        return;
      case 'document-end':
        this.footIndent = 0;
        this.processFootComment();
        this.footIndent = -1;
        this.writeIndent();
        this.state = 'document-start';
        return;
      case 'block-sequence-first-item':
      case 'block-sequence-item':
        this.blockSequenceItem(event, this.state === 'block-sequence-first-item');
        return;
      case 'block-mapping-first-key':
      case 'block-mapping-key':
        this.blockMappingKey(event, this.state === 'block-mapping-first-key');
        return;
      case 'block-mapping-simple-value':
      case 'block-mapping-value':
        this.blockMappingValue(event, this.state === 'block-mapping-simple-value');
        return;
      case 'flow-sequence-first-item':
      case 'flow-mapping-first-key':
        this.emptyFlowCollection(event);
        return;
      case 'end':
        throw new Error('YAML emitter received an event after the stream end');
    }
  }

  private documentStart(first: boolean): void {
    if (!first) {
      this.writeIndent();
      this.writeIndicator('---', true, false, false);
      this.writeIndent();
    }
    if (this.headComment !== '') {
      this.processHeadComment();
      this.putBreak();
    }
    this.state = 'document-content';
  }

  private increaseIndent(flow: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) {
      this.indent = flow ? this.bestIndent : 0;
    } else if (this.states[this.states.length - 1] === 'block-sequence-item') {
      this.indent += 2;
    } else {
      this.indent = this.bestIndent * Math.floor((this.indent + this.bestIndent) / this.bestIndent);
    }
  }

  private blockSequenceItem(event: EmitEvent, first: boolean): void {
    if (first) {
      this.increaseIndent(false);
    }
    if (event.kind === 'sequence-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.processHeadComment();
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.states.push('block-sequence-item');
    this.emitNode(event, false, false);
    this.processLineComment(false);
    this.processFootComment();
  }

  private blockMappingKey(event: EmitEvent, first: boolean): void {
    if (first) {
      this.increaseIndent(false);
    }
    this.processHeadComment();
    if (event.kind === 'mapping-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.lineComment !== '') {
      // A line comment pending at a key is written after the value.
      this.keyLineComment = this.lineComment;
      this.lineComment = '';
    }
    if (this.isSimpleKey(event)) {
      this.states.push('block-mapping-simple-value');
      this.emitNode(event, true, true);
    } else {
      this.writeIndicator('?', true, false, true);
      this.states.push('block-mapping-value');
      this.emitNode(event, true, false);
    }
  }

  /** Reports whether a key fits on the `key: value` line: one line and at most 128 UTF-8 bytes. */
  private isSimpleKey(event: EmitEvent): boolean {
    if (event.kind !== 'scalar') {
      return this.isEmptyCollection(event);
    }
    return !this.scalar.multiline && Buffer.byteLength(event.value, 'utf8') <= 128;
  }

  private isEmptyCollection(event: EmitEvent): boolean {
    const next = this.nextEvent();
    return (
      (event.kind === 'sequence-start' && next?.kind === 'sequence-end') ||
      (event.kind === 'mapping-start' && next?.kind === 'mapping-end')
    );
  }

  private blockMappingValue(event: EmitEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    if (this.keyLineComment !== '') {
      if (event.kind === 'scalar') {
        if (this.lineComment === '') {
          this.lineComment = this.keyLineComment;
          this.keyLineComment = '';
        }
      } else if (event.kind === 'mapping-start' || event.kind === 'sequence-start') {
        const own = this.lineComment;
        this.lineComment = this.keyLineComment;
        this.processLineComment(false);
        this.keyLineComment = this.lineComment;
        this.lineComment = own;
      }
    }
    this.states.push('block-mapping-key');
    this.emitNode(event, true, false);
    this.processLineComment(false);
    this.processFootComment();
  }

  private emitNode(event: EmitEvent, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (event.kind) {
      case 'scalar':
        this.emitScalar(event);
        return;
      case 'sequence-start':
        this.state = this.isEmptyCollection(event) ? 'flow-sequence-first-item' : 'block-sequence-first-item';
        return;
      case 'mapping-start':
        this.state = this.isEmptyCollection(event) ? 'flow-mapping-first-key' : 'block-mapping-first-key';
        return;
      default:
        throw new Error(`YAML emitter expected a node, got ${event.kind}`);
    }
  }

  /** Writes `[]` or `{}`. The start event was analyzed already, and `event` is the end event. */
  private emptyFlowCollection(event: EmitEvent): void {
    const sequence = this.state === 'flow-sequence-first-item';
    this.writeIndicator(sequence ? '[' : '{', true, true, false);
    this.increaseIndent(true);
    this.flowLevel++;
    if (event.kind !== (sequence ? 'sequence-end' : 'mapping-end')) {
      throw new Error('YAML emitter supports only empty flow collections');
    }
    if (!sequence) {
      this.processHeadComment();
    }
    this.flowLevel--;
    this.popIndent();
    if (sequence && this.column === 0) {
      this.writeIndent();
    }
    this.writeIndicator(sequence ? ']' : '}', false, false, false);
    this.processLineComment(false);
    this.processFootComment();
    this.popState();
  }

  private emitScalar(event: EmitEvent): void {
    const style = selectStyle(event.style, this.scalar, event.value, this.simpleKeyContext);
    if (event.tag !== undefined) {
      this.writeTag(event.tag);
    }
    this.increaseIndent(true);
    switch (style) {
      case 'plain':
        this.writePlain(event.value);
        break;
      case 'single-quoted':
        this.writeSingleQuoted(event.value);
        break;
      case 'double-quoted':
        this.writeDoubleQuoted(event.value);
        break;
      case 'literal':
        this.writeLiteral(event.value);
        break;
    }
    this.popIndent();
    this.popState();
  }

  /** Writes a `!!` tag, as go-yaml's write_tag_handle and write_tag_content do for the default `!!` handle. */
  private writeTag(tag: string): void {
    if (!/^!![A-Za-z]+$/.test(tag)) {
      throw new Error(`YAML emitter supports only !! tags with a name of letters, not ${JSON.stringify(tag)}`);
    }
    if (!this.whitespace) {
      this.put(' ');
    }
    for (const c of tag) {
      this.put(c);
    }
    this.whitespace = false;
    this.indention = false;
  }

  private put(text: string): void {
    this.out.push(text);
    this.column++;
  }

  private putBreak(): void {
    this.out.push('\n');
    this.column = 0;
    this.indention = true;
  }

  private writeBreak(c: string): void {
    if (c === '\n') {
      this.putBreak();
      return;
    }
    this.out.push(c);
    this.column = 0;
    this.indention = true;
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) {
      this.putBreak();
    }
    // After a foot comment at this indentation, go-yaml leaves an empty line.
    if (this.footIndent === indent) {
      this.putBreak();
    }
    while (this.column < indent) {
      this.put(' ');
    }
    this.whitespace = true;
    this.footIndent = -1;
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) {
      this.put(' ');
    }
    for (const c of indicator) {
      this.put(c);
    }
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private writeComment(comment: string): void {
    let breaks = false;
    let pound = false;
    for (const c of comment) {
      if (isYamlBreak(c)) {
        this.writeBreak(c);
        breaks = true;
        pound = false;
        continue;
      }
      if (breaks) {
        this.writeIndent();
      }
      if (!pound) {
        if (c !== '#') {
          this.put('#');
          this.put(' ');
        }
        pound = true;
      }
      this.put(c);
      this.indention = false;
      breaks = false;
    }
    if (!breaks) {
      this.putBreak();
    }
    this.whitespace = true;
  }

  private processHeadComment(): void {
    if (this.tailComment !== '') {
      this.writeIndent();
      this.writeComment(this.tailComment);
      this.tailComment = '';
      this.footIndent = Math.max(this.indent, 0);
    }
    if (this.headComment !== '') {
      this.writeIndent();
      this.writeComment(this.headComment);
      this.headComment = '';
    }
  }

  private processLineComment(lineBreak: boolean): void {
    if (this.lineComment === '') {
      if (lineBreak) {
        this.putBreak();
      }
      return;
    }
    if (!this.whitespace) {
      this.put(' ');
    }
    this.writeComment(this.lineComment);
    this.lineComment = '';
  }

  private processFootComment(): void {
    if (this.footComment === '') {
      return;
    }
    this.writeIndent();
    this.writeComment(this.footComment);
    this.footComment = '';
    this.footIndent = Math.max(this.indent, 0);
  }

  private writePlain(value: string): void {
    if (value !== '' && !this.whitespace) {
      this.put(' ');
    }
    for (const c of value) {
      this.put(c);
    }
    if (value !== '') {
      this.whitespace = false;
    }
    this.indention = false;
  }

  private writeSingleQuoted(value: string): void {
    this.writeIndicator("'", true, false, false);
    let breaks = false;
    for (const c of value) {
      if (isYamlBreak(c)) {
        if (!breaks && c === '\n') {
          this.putBreak();
        }
        this.writeBreak(c);
        breaks = true;
        continue;
      }
      if (breaks) {
        this.writeIndent();
      }
      if (c === "'") {
        this.put("'");
      }
      this.put(c);
      this.indention = false;
      breaks = false;
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string): void {
    this.writeIndicator('"', true, false, false);
    // go-yaml checks for a BOM at the start of the value instead of at each
    // character, so a value that starts with U+FEFF is escaped entirely.
    const escapeAll = value.startsWith('\ufeff');
    for (const c of value) {
      if (escapeAll || !isYamlPrintable(c) || isYamlBreak(c) || c === '"' || c === '\\') {
        this.put('\\');
        const code = c.codePointAt(0) ?? 0;
        const named = ESCAPES[c];
        if (named !== undefined) {
          this.put(named);
        } else {
          const [prefix, width] = code <= 0xff ? ['x', 2] : code <= 0xffff ? ['u', 4] : ['U', 8];
          for (const digit of prefix + code.toString(16).toUpperCase().padStart(width, '0')) {
            this.put(digit);
          }
        }
      } else {
        this.put(c);
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const chars = Array.from(value);
    const first = chars[0];
    if (first !== undefined && (first === ' ' || isYamlBreak(first))) {
      // NOTE: go-yaml writes the best indent as the indicator even where the
      // block sits deeper (in a list item's mapping), so sops and this store
      // both write a block that does not read back there.
      this.writeIndicator(String(this.bestIndent), false, false, false);
    }

    const last = chars[chars.length - 1];
    const beforeLast = chars[chars.length - 2];
    let chomp = '';
    if (last === undefined || !isYamlBreak(last)) {
      chomp = '-';
    } else if (beforeLast === undefined || isYamlBreak(beforeLast)) {
      chomp = '+';
    }
    if (chomp !== '') {
      this.writeIndicator(chomp, false, false, false);
    }
    this.processLineComment(true);

    this.whitespace = true;
    let breaks = true;
    for (const c of chars) {
      if (isYamlBreak(c)) {
        this.writeBreak(c);
        breaks = true;
        continue;
      }
      if (breaks) {
        this.writeIndent();
      }
      this.put(c);
      this.indention = false;
      breaks = false;
    }
  }
}
