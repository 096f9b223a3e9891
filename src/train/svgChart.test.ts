import { describe, expect, it } from 'vitest';
import { svgChart } from './svgChart';

describe('svgChart', () => {
  it('draws one path per line series, a marker per point and escapes text', () => {
    const svg = svgChart([
      {
        title: 'loss <by> "epoch"',
        xLabel: 'epoch',
        yLabel: 'loss',
        series: [
          {
            name: 'a & b',
            kind: 'line',
            points: [
              [1, 3],
              [2, 2],
              [3, 1.5],
            ],
          },
          { name: 'c', kind: 'points', points: [[2, 2.5]] },
        ],
        references: [{ name: 'ref', y: 1 }],
      },
    ]);
    expect(svg.match(/<path /g)).toHaveLength(1);
    expect(svg.match(/<circle /g)).toHaveLength(4);
    expect(svg).toContain('loss &#60;by&#62; &#34;epoch&#34;');
    expect(svg).toContain('a &#38; b');
    expect(svg).not.toContain('<by>');
    expect(svg).toContain('stroke-dasharray');
  });

  it('stacks panels and refuses an empty chart', () => {
    const panel = {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      series: [{ name: 's', kind: 'line' as const, points: [[1, 1]] as [number, number][] }],
    };
    expect(svgChart([panel, panel])).toMatch(/height="600"/);
    expect(() => svgChart([{ ...panel, series: [] }])).toThrow(/no points/);
  });
});
