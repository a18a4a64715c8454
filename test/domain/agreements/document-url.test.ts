import { repairDocumentUrl } from '../../../src/domain/agreements/document-url';

describe('repairDocumentUrl', () => {
  const colbert = 'https://www.ice.gov/doclib/287gMOA/ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf';

  it('unwraps an Outlook safelink to the url parameter', () => {
    const wrapped =
      'https://gcc02.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.ice.gov%2Fdoclib%2F287gMOA%2F' +
      'ColbertCoSheriffsOfficeAL_WSO_MOA_05.08.25.pdf&data=05%7C02%7C%7Cabc&sdata=xyz%3D&reserved=0';
    expect(repairDocumentUrl(wrapped)).toBe(colbert);
    expect(repairDocumentUrl(wrapped.replace('gcc02', 'nam12'))).toBe(colbert);
  });

  it('repairs a single-slash scheme, also inside a safelink', () => {
    expect(repairDocumentUrl('https:/www.ice.gov/doclib/287gMOA/a.pdf')).toBe('https://www.ice.gov/doclib/287gMOA/a.pdf');
    expect(repairDocumentUrl('http:/www.ice.gov/a.pdf')).toBe('http://www.ice.gov/a.pdf');
    const inner = encodeURIComponent('https:/www.ice.gov/doclib/b.pdf');
    expect(repairDocumentUrl(`https://gcc02.safelinks.protection.outlook.com/?url=${inner}&data=1`)).toBe(
      'https://www.ice.gov/doclib/b.pdf',
    );
  });

  it("strips Chrome's PDF-viewer prefix (seen on ICE's University of Florida row)", () => {
    expect(
      repairDocumentUrl(
        'chrome-extension://efaidnbmnnnibpcajpcglclefindmkaj/https:/www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf',
      ),
    ).toBe('https://www.ice.gov/doclib/287gMOA/UnivFLPDFL_TFM_MOA_041525.pdf');
  });

  it('keeps percent-encoding and trims', () => {
    expect(repairDocumentUrl(' https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf ')).toBe(
      'https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL_06-09-2020.pdf',
    );
  });

  it('encodes a literal space', () => {
    expect(repairDocumentUrl('https://www.ice.gov/doclib/287gMOA/287gJEM_ etowahCoAL.pdf')).toBe(
      'https://www.ice.gov/doclib/287gMOA/287gJEM_%20etowahCoAL.pdf',
    );
  });

  it.each([['mailto:287g@ice.dhs.gov'], ['ftp://ice.gov/x.pdf'], ['link pending'], [''], [null], [undefined]])(
    'gives null for %j',
    (raw) => {
      expect(repairDocumentUrl(raw)).toBeNull();
    },
  );
});
