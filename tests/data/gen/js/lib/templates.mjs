// Unsigned credential templates (Open Badges 3.0).
import crypto from 'node:crypto';

export const VC_V2 = 'https://www.w3.org/ns/credentials/v2';
export const VC_V1 = 'https://www.w3.org/2018/credentials/v1';
export const OB_303 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
export const OB_301 = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json';
export const OB_EXT = 'https://purl.imsglobal.org/spec/ob/v3p0/extensions.json';
export const SL2021_CTX = 'https://w3id.org/vc/status-list/2021/v1';

export const VALID_FROM = '2024-01-01T00:00:00Z';
export const PROOF_CREATED = '2024-01-01T00:00:00Z';
export const EXPIRED_UNTIL = '2025-01-01T00:00:00Z';
export const FUTURE_FROM = '2099-01-01T00:00:00Z';

// Deterministic RFC 4122 v4-shaped UUID URN from a label.
export function urnUuid(label) {
  const h = crypto.createHash('sha256')
    .update('badge-wallet/js-corpus/' + label).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `urn:uuid:${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-` +
    `${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const ACHIEVEMENTS = {
  rust: {
    slug: 'rust-systems-101',
    name: 'Systems Programming in Rust',
    description: 'Awarded for completing the 12-week Systems Programming ' +
      'in Rust course, including ownership, concurrency and FFI modules.',
    achievementType: 'Certificate',
    narrative: 'Learners must pass all four module quizzes with at least ' +
      '80%, and submit a capstone project (a multi-threaded HTTP server) ' +
      'that passes the automated test-suite and a peer code review.',
    tag: ['rust', 'systems programming', 'concurrency'],
    alignment: [{
      targetName: 'Develop concurrent software',
      targetDescription: 'Designs and implements software that executes ' +
        'safely on multiple threads.',
      targetFramework: 'ESCO skills v1.1',
      targetCode: 'S1.2.3',
      targetType: 'ceasn:Competency',
      targetUrl: 'https://esco.ec.europa.eu/en/classification/skill?uri=' +
        'http%3A%2F%2Fdata.europa.eu%2Fesco%2Fskill%2Fexample-concurrency'
    }, {
      targetName: 'Computer programming',
      targetFramework: 'ISCED-F 2013',
      targetCode: '0613',
      targetType: 'CFItem',
      targetUrl: 'https://uis.unesco.org/en/topic/international-standard-' +
        'classification-education-isced#0613'
    }],
    grade: 'A'
  },
  data: {
    slug: 'data-literacy-201',
    name: 'Data Literacy Foundations',
    description: 'Recognises the ability to read, work with, analyse and ' +
      'argue with data.',
    achievementType: 'Badge',
    narrative: 'Complete the three data-analysis labs and present a short ' +
      'data story to a panel.',
    tag: ['data', 'statistics'],
    alignment: [{
      targetName: 'Analyse data',
      targetFramework: 'O*NET-SOC 2019',
      targetCode: '15-2051.00',
      targetType: 'ceasn:Competency',
      targetUrl: 'https://www.onetonline.org/link/summary/15-2051.00'
    }],
    grade: 'B'
  }
};

export function issuerProfile({did, name}) {
  return {
    id: did,
    type: ['Profile'],
    name,
    url: 'https://issuer.example.org',
    email: 'badges@issuer.example.org'
  };
}

export function achievement(a, issuerDid) {
  const base = `https://issuer.example.org/achievements/${a.slug}`;
  return {
    id: base,
    type: ['Achievement'],
    achievementType: a.achievementType,
    name: a.name,
    description: a.description,
    criteria: {id: `${base}/criteria`, narrative: a.narrative},
    image: {
      id: `https://issuer.example.org/achievements/${a.slug}/image.png`,
      type: 'Image',
      caption: `${a.name} badge image`
    },
    tag: [...a.tag],
    alignment: a.alignment.map(al => ({type: ['Alignment'], ...al})),
    resultDescription: [{
      id: `${base}/results/final-grade`,
      type: ['ResultDescription'],
      name: 'Final grade',
      resultType: 'LetterGrade',
      allowedValue: ['A', 'B', 'C', 'D', 'F'],
      requiredValue: 'C'
    }],
    creator: {id: issuerDid, type: ['Profile'],
      name: 'Example Institute of Technology'}
  };
}

/**
 * Build an unsigned OpenBadgeCredential.
 *
 * @param {object} o - Options.
 * @param {'vc2'|'vc11'} o.model - VC data model.
 * @param {string} o.label - Unique label (drives the credential id).
 * @param {string} o.issuerDid - Issuer DID.
 * @param {string} o.subjectDid - Learner DID.
 * @param {string} [o.issuerName] - Issuer display name.
 * @param {string} [o.validFrom] - validFrom / issuanceDate.
 * @param {string} [o.validUntil] - validUntil / expirationDate.
 * @param {Array} [o.extraContexts] - Contexts appended after the OB one.
 * @param {object} [o.credentialStatus] - credentialStatus to include.
 * @param {string} [o.ach] - Key into ACHIEVEMENTS.
 * @returns {object} The credential.
 */
export function openBadgeCredential({
  model = 'vc2', label, issuerDid, subjectDid,
  issuerName = 'Example Institute of Technology',
  validFrom = VALID_FROM, validUntil, extraContexts = [], credentialStatus,
  ach = 'rust'
}) {
  const a = ACHIEVEMENTS[ach];
  const c = {
    '@context': [model === 'vc2' ? VC_V2 : VC_V1, OB_303, ...extraContexts],
    id: urnUuid(label),
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: a.name,
    description: `${a.name}, awarded by ${issuerName}.`,
    issuer: issuerProfile({did: issuerDid, name: issuerName})
  };
  if(model === 'vc2') {
    c.validFrom = validFrom;
    if(validUntil) {
      c.validUntil = validUntil;
    }
  } else {
    c.issuanceDate = validFrom;
    if(validUntil) {
      c.expirationDate = validUntil;
    }
  }
  const ach_ = achievement(a, issuerDid);
  c.credentialSubject = {
    id: subjectDid,
    type: ['AchievementSubject'],
    achievement: ach_,
    result: [{
      type: ['Result'],
      resultDescription: ach_.resultDescription[0].id,
      value: a.grade
    }]
  };
  c.evidence = [{
    id: `https://issuer.example.org/evidence/${urnUuid(label + '/evidence')
      .slice('urn:uuid:'.length)}`,
    type: ['Evidence'],
    name: 'Capstone project repository',
    narrative: 'Source code and review notes for the capstone project.',
    description: 'Public repository snapshot reviewed by two assessors.',
    genre: 'Project',
    audience: 'Employers'
  }];
  if(credentialStatus) {
    c.credentialStatus = credentialStatus;
  }
  return c;
}

export function endorsementCredential({label, issuerDid, endorsedId,
  comment, validFrom = VALID_FROM}) {
  return {
    '@context': [VC_V2, OB_303],
    id: urnUuid(label),
    type: ['VerifiableCredential', 'EndorsementCredential'],
    name: 'Endorsement of Systems Programming in Rust',
    issuer: {id: issuerDid, type: ['Profile'],
      name: 'Rust Industry Consortium (example)',
      url: 'https://endorser.example.org'},
    validFrom,
    credentialSubject: {
      id: endorsedId,
      type: ['EndorsementSubject'],
      endorsementComment: comment
    }
  };
}
