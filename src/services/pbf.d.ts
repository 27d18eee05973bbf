/** Types for pbf 3 (protocol buffers), which ships none: the reading half the gazetteer uses. */
declare module "pbf" {
  export default class Pbf {
    constructor(buffer: Uint8Array);
    pos: number;
    length: number;
    readFields<T>(read: (tag: number, result: T, pbf: Pbf) => void, result: T, end?: number): T;
    readMessage<T>(read: (tag: number, result: T, pbf: Pbf) => void, result: T): T;
    readVarint(): number;
    readSVarint(): number;
    readString(): string;
    skip(value: number): void;
  }
}
