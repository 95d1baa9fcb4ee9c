// The part of libmime (a dependency of nodemailer's family, shipped without types) Herald uses.
declare module 'libmime' {
  const libmime: { decodeWords(text: string): string };
  export default libmime;
}
