import sharp from 'sharp';
import { styleMontage } from '../../../lib/worlds/emoji/montage';
import { EmojiWorldError } from '../../../lib/worlds/emoji/errors';

describe('styleMontage', () => {
  test('one row per set, one column per concept, labels around them', async () => {
    const png = await styleMontage(['catface', 'rocket', 'redapple'], ['noto', 'openmoji'], {
      size: 32,
      labelWidth: 100,
    });
    const meta = await sharp(png).metadata();
    expect(meta.format).toBe('png');
    expect(meta.width).toBe(100 + 3 * (32 + 6));
    expect(meta.height).toBe(44 + 2 * (32 + 6));
    // the icon cells are drawn: the first icon's cell is not all white
    const { data } = await sharp(png)
      .extract({ left: 100, top: 44, width: 32, height: 32 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([...new Uint8Array(data)].some((v) => v < 200)).toBe(true);
  });

  test('empty lists and bad sizes are errors that say the fix', async () => {
    await expect(styleMontage([], ['noto'])).rejects.toThrow(EmojiWorldError);
    await expect(styleMontage(['catface'], ['noto'], { size: 5 })).rejects.toThrow(
      /size 5 .*Fix: Pass e.g. \{ size: 64 \}/,
    );
  });
});
