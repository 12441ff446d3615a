module.exports = {
  ...require('../../jest.preset.cjs')(__dirname),
  coverageThreshold: { global: { branches: 95, functions: 100, lines: 98, statements: 98 } },
};
