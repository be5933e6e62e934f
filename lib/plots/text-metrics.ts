/**
 * Text widths for Vega's layout in Node. Without a canvas, Vega guesses every character to be 0.8 em wide,
 * which leaves wide empty margins next to titles and labels. These are the advance widths of the DejaVu Sans
 * font that the charts use (measured once from the font with librsvg), in em.
 *
 * ```ts
 * textWidth('a cat', 12, 'normal');   // 29.88  (≈ what librsvg draws)
 * ```
 */

// prettier-ignore
const NORMAL: Record<string, number> = {"0":0.64,"1":0.64,"2":0.64,"3":0.64,"4":0.64,"5":0.64,"6":0.64,"7":0.64,"8":0.64,"9":0.64," ":0.32,"!":0.4,"\"":0.46,"#":0.84,"$":0.64,"%":0.95,"&":0.78,"'":0.27,"(":0.39,")":0.39,"*":0.5,"+":0.84,",":0.32,"-":0.36,".":0.32,"/":0.34,":":0.34,";":0.34,"<":0.84,"=":0.84,">":0.84,"?":0.53,"@":1,"A":0.71,"B":0.69,"C":0.7,"D":0.77,"E":0.63,"F":0.58,"G":0.77,"H":0.75,"I":0.29,"J":0.29,"K":0.66,"L":0.56,"M":0.86,"N":0.75,"O":0.79,"P":0.6,"Q":0.79,"R":0.69,"S":0.63,"T":0.59,"U":0.73,"V":0.68,"W":0.99,"X":0.69,"Y":0.61,"Z":0.69,"[":0.39,"\\":0.34,"]":0.39,"^":0.84,"_":0.5,"`":0.5,"a":0.61,"b":0.63,"c":0.55,"d":0.63,"e":0.62,"f":0.35,"g":0.63,"h":0.63,"i":0.28,"j":0.28,"k":0.58,"l":0.28,"m":0.97,"n":0.63,"o":0.61,"p":0.63,"q":0.63,"r":0.39,"s":0.52,"t":0.39,"u":0.63,"v":0.59,"w":0.82,"x":0.59,"y":0.59,"z":0.52,"{":0.64,"|":0.34,"}":0.64,"~":0.84,"→":0.84,"°":0.5,"×":0.84,"—":1,"–":0.5,"…":1,"·":0.32,"≈":0.84,"−":0.84,"★":0.9};
// prettier-ignore
const BOLD: Record<string, number> = {"0":0.7,"1":0.7,"2":0.7,"3":0.7,"4":0.7,"5":0.7,"6":0.7,"7":0.7,"8":0.7,"9":0.7," ":0.35,"!":0.46,"\"":0.52,"#":0.84,"$":0.7,"%":1,"&":0.87,"'":0.31,"(":0.46,")":0.46,"*":0.52,"+":0.84,",":0.38,"-":0.42,".":0.38,"/":0.37,":":0.4,";":0.4,"<":0.84,"=":0.84,">":0.84,"?":0.58,"@":1,"A":0.77,"B":0.76,"C":0.73,"D":0.83,"E":0.68,"F":0.68,"G":0.82,"H":0.84,"I":0.37,"J":0.37,"K":0.77,"L":0.64,"M":1,"N":0.84,"O":0.85,"P":0.73,"Q":0.85,"R":0.77,"S":0.68,"T":0.7,"U":0.81,"V":0.77,"W":1.1,"X":0.77,"Y":0.72,"Z":0.73,"[":0.46,"\\":0.37,"]":0.46,"^":0.84,"_":0.5,"`":0.5,"a":0.67,"b":0.72,"c":0.59,"d":0.72,"e":0.68,"f":0.44,"g":0.72,"h":0.71,"i":0.34,"j":0.34,"k":0.67,"l":0.34,"m":1.04,"n":0.71,"o":0.69,"p":0.72,"q":0.72,"r":0.49,"s":0.6,"t":0.48,"u":0.71,"v":0.65,"w":0.92,"x":0.65,"y":0.65,"z":0.58,"{":0.71,"|":0.37,"}":0.71,"~":0.84,"→":0.84,"°":0.5,"×":0.84,"—":1,"–":0.5,"…":1,"·":0.38,"≈":0.84,"−":0.84,"★":0.9};

function isBold(weight: unknown): boolean {
  if (typeof weight === 'number') return weight >= 600;
  return typeof weight === 'string' && (/bold/i.test(weight) || Number(weight) >= 600);
}

/** Width in pixels of `text` in DejaVu Sans at `fontSize` px; unknown characters count as average (wide ones as 1 em). */
export function textWidth(text: string, fontSize: number, weight: unknown = 'normal'): number {
  const table = isBold(weight) ? BOLD : NORMAL;
  let em = 0;
  for (const ch of text) {
    const w = table[ch];
    em += w !== undefined ? w : (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 1 : isBold(weight) ? 0.7 : 0.62;
  }
  return em * fontSize;
}

/** The shape of the `item` Vega passes to `textMetrics.width`. */
export interface VegaTextItem {
  fontSize?: number;
  fontWeight?: string | number;
  text?: unknown;
}

/** A drop-in for `vega.textMetrics.width`: (item, text) → pixels. */
export function vegaTextWidth(item: VegaTextItem, text?: unknown): number {
  const value = text ?? item.text;
  const s = value == null ? '' : Array.isArray(value) ? value.join(' ') : String(value);
  return textWidth(s, item.fontSize ?? 11, item.fontWeight);
}
