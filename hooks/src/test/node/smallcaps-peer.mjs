// Encodes every value of a corpus with @endo/marshal's smallcaps and decodes the bodies back.
// Usage: node smallcaps-peer.mjs <corpus.json> <out.json>
// A value is described neutrally (strings as UTF-16 code units so lone surrogates survive):
// {"t":"null"|"undefined"}, {"t":"bool","v":b}, {"t":"number","v":"<decimal|NaN|Infinity|-Infinity|-0>"},
// {"t":"bigint","v":"<decimal>"}, {"t":"string","u":[...]}, {"t":"symbol","u":[...]},
// {"t":"array","v":[...]}, {"t":"record","v":[[[...key units], value], ...]},
// {"t":"tagged","tag":[...],"payload":value}, {"t":"error","name":"TypeError","message":[...]},
// {"t":"remotable","slot":"ko1","iface":"Alleged: x"}, {"t":"promise","slot":"kp1"}.
import '@endo/init';
import { Far, makeTagged, passStyleOf, getTag, getInterfaceOf, passableSymbolForName, nameForPassableSymbol } from '@endo/pass-style';
import { makeMarshal } from '@endo/marshal';
import { readFileSync, writeFileSync } from 'node:fs';

const [corpusPath, outPath] = process.argv.slice(2);
const corpus = JSON.parse(readFileSync(corpusPath, 'utf8'));

const units = u => String.fromCharCode(...u);
const toUnits = s => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));
const errorConstructors = { Error, TypeError, RangeError, EvalError, ReferenceError, SyntaxError, URIError };

const bySlot = new Map();
const slotOf = new Map();
const refFor = (slot, make) => {
  if (!bySlot.has(slot)) {
    const ref = make();
    bySlot.set(slot, ref);
    slotOf.set(ref, slot);
  }
  return bySlot.get(slot);
};
const farFor = (slot, iface) =>
  refFor(slot, () => Far(iface && iface.startsWith('Alleged: ') ? iface.slice(9) : `${iface}`, {}));
const promiseFor = slot => refFor(slot, () => harden(new Promise(() => {})));

const build = d => {
  switch (d.t) {
    case 'null': return null;
    case 'undefined': return undefined;
    case 'bool': return d.v;
    case 'number': return Number(d.v);
    case 'bigint': return BigInt(d.v);
    case 'string': return units(d.u);
    case 'symbol': return passableSymbolForName(units(d.u));
    case 'array': return harden(d.v.map(build));
    case 'record': return harden(Object.fromEntries(d.v.map(([k, v]) => [units(k), build(v)])));
    case 'tagged': return makeTagged(units(d.tag), build(d.payload));
    case 'error': return harden(new errorConstructors[d.name](units(d.message)));
    case 'remotable': return farFor(d.slot, d.iface);
    case 'promise': return promiseFor(d.slot);
    default: throw TypeError(`unknown description ${d.t}`);
  }
};

const describe = v => {
  const style = passStyleOf(v);
  switch (style) {
    case 'null': return { t: 'null' };
    case 'undefined': return { t: 'undefined' };
    case 'boolean': return { t: 'bool', v };
    case 'number': return { t: 'number', v: Object.is(v, -0) ? '-0' : String(v) };
    case 'bigint': return { t: 'bigint', v: String(v) };
    case 'string': return { t: 'string', u: toUnits(v) };
    case 'symbol': return { t: 'symbol', u: toUnits(nameForPassableSymbol(v)) };
    case 'copyArray': return { t: 'array', v: v.map(describe) };
    case 'copyRecord': return { t: 'record', v: Reflect.ownKeys(v).map(k => [toUnits(k), describe(v[k])]) };
    case 'tagged': return { t: 'tagged', tag: toUnits(getTag(v)), payload: describe(v.payload) };
    case 'error': return { t: 'error', name: v.name, message: toUnits(v.message) };
    case 'remotable': return { t: 'remotable', slot: slotOf.get(v), iface: getInterfaceOf(v) };
    case 'promise': return { t: 'promise', slot: slotOf.get(v) };
    default: throw TypeError(`unexpected pass style ${style}`);
  }
};

const { toCapData, fromCapData } = makeMarshal(
  v => slotOf.get(v),
  (slot, iface) => (slot.startsWith('kp') ? promiseFor(slot) : farFor(slot, iface)),
  { serializeBodyFormat: 'smallcaps', errorTagging: 'off', marshalSaveError: () => {} },
);

const results = corpus.map(d => {
  const capData = toCapData(build(d));
  const decoded = describe(fromCapData(capData));
  return { body: capData.body, slots: capData.slots, decoded };
});
writeFileSync(outPath, JSON.stringify(results));
