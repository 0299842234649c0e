export { defaultTemplate } from "./render/default-template.js";
export { UnsupportedScriptError } from "./render/fonts.js";
export {
  type CertificateData,
  type CertificateElement,
  type CertificateNode,
  type CertificateTemplate,
  type FitTextBox,
  type FittedText,
  h,
  type TemplateKit,
} from "./render/model.js";
export {
  PAGE_HEIGHT,
  PAGE_WIDTH,
  type PdfOptions,
  type RenderOptions,
  renderCertificatePdf,
  renderCertificatePng,
  renderCertificateSvg,
} from "./render/render.js";
