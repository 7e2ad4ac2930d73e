import { describe, expect, it } from "vitest";

import { parsedFixture as file } from "../fixtures/featureFixtures";
import { LayoutKind, codeLayout, texelData } from "../renderer/codeLayout";
import { plainCopy } from "./plainCopy";

describe("plainCopy", () => {
  it.each(["uint8", "int16", "float32"])(
    "holds every %s channel at four per texel, as the original tool did",
    (name) => {
      const { fixture, file: parsed } = file(name);
      const plain = plainCopy(parsed);
      expect(plain.header).toMatchObject({ channels_per_texel: 4, slices: Math.ceil(fixture.channels / 4) });
      expect(plain.codes).toBeInstanceOf(parsed.codes.constructor);
      expect(plain.scales).toBe(parsed.scales);
      const layout = codeLayout(plain.header);
      expect(layout.kind).toBe(LayoutKind.Plain);
      const cells = fixture.width * fixture.height;
      expect(plain.codes).toHaveLength(layout.slices * cells * 4);
      for (let cell = 0; cell < cells; cell++) {
        for (let channel = 0; channel < layout.slices * 4; channel++) {
          const expected =
            channel < fixture.channels ? fixture.vectors[cell * fixture.channels + channel] : 0;
          expect(plain.codes[(Math.floor(channel / 4) * cells + cell) * 4 + (channel % 4)]).toBe(expected);
        }
      }
      expect(texelData(plain, layout, 0, layout.slices).buffer).toBe(plain.codes.buffer);
    },
  );

  it("leaves the file's own codes alone", () => {
    const { file: parsed } = file("uint8");
    const before = Array.from(parsed.codes);
    const plain = plainCopy(parsed);
    plain.codes.fill(0);
    expect(Array.from(parsed.codes)).toEqual(before);
  });
});
