/** ~`bytes` of Markdown that reads like a long essay: headings, paragraphs, links, lists, quotes. */
export function essay(bytes: number): string {
  let seed = 0x5eed;
  const rand = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const words = (
    'the of and to in a is that for it as was with be by on not he this are or his from at which but have an they you were ' +
    'her she there been one all would their we him has when who more no if out so said what up its about into than them can ' +
    'only other new some could time these two may then do first any my now such like our over man me even most made after also ' +
    'did many before must through back years where much your way well down should because each just those people how too little ' +
    'state good very make world still own see men work long get here between both life being under never day same another know ' +
    'while last might us great old year off come since against go came right used take three harbour village council market ' +
    'river bridge winter morning evening library garden teacher newspaper railway station ferry weather season festival budget ' +
    'neighbours volunteers school museum archive fishermen bakery orchard lighthouse footpath meadow committee mayor island'
  ).split(' ');
  const sentence = () => {
    const length = 8 + Math.floor(rand() * 18);
    const parts: string[] = [];
    for (let i = 0; i < length; i++) {
      let w = pick(words);
      const r = rand();
      if (r < 0.02) w = `**${w}**`;
      else if (r < 0.04) w = `*${w}*`;
      else if (r < 0.05) w = `[${w} ${pick(words)}](https://allycaral.example.com/notes/${pick(words)}-${Math.floor(rand() * 1000)})`;
      parts.push(w);
      if (i < length - 1 && rand() < 0.08) parts[parts.length - 1] += ',';
    }
    const text = parts.join(' ');
    return text.charAt(0).toUpperCase() + text.slice(1) + pick(['.', '.', '.', '.', '?', '!']);
  };
  const paragraph = () => Array.from({ length: 3 + Math.floor(rand() * 5) }, sentence).join(' ');
  const blocks: string[] = [];
  let size = 0;
  let section = 0;
  while (size < bytes) {
    let block: string;
    const r = rand();
    if (blocks.length % 7 === 0) block = `## ${++section}. ${sentence().replace(/[.?!]$/, '')}`;
    else if (r < 0.08) block = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => `- ${sentence()}`).join('\n');
    else if (r < 0.12) block = `> ${paragraph()}`;
    else block = paragraph();
    blocks.push(block);
    size += block.length + 2;
  }
  return blocks.join('\n\n');
}
