#include "DomainCheck.h"

#include "DaneMatcher.h"
#include "findings/FindingCatalogue.h"
#include "PolicyFetcher.h"

#include <algorithm>
#include <QRegularExpression>
#include <QScopeGuard>

DomainCheck::DomainCheck(QString domain, Resolver* resolver, DomainCheckOptions options, QObject* parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_resolver(resolver)
{
    domain = domain.trimmed().toLower();
    if (domain.endsWith(QLatin1Char('.')))
        domain.chop(1);
    m_report.domain = domain;
}

DomainCheck::~DomainCheck() { qDeleteAll(m_runners); }

bool DomainCheck::isValidDomain(const QString& domain)
{
    static const QRegularExpression syntax(QStringLiteral(
        "^([A-Za-z0-9_]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.?$"));
    return domain.size() <= 253 && syntax.match(domain).hasMatch();
}

void DomainCheck::start()
{
    m_clock.start();
    m_report.startedAt = QDateTime::currentDateTimeUtc();
    if (!isValidDomain(m_report.domain)) {
        m_report.findings.append(FindingCatalogue::make(
            FindingIds::DomainNotFound, tr("\"%1\" is not a domain name").arg(m_report.domain)));
        m_outstanding = 1;
        QTimer::singleShot(0, this, &DomainCheck::release);
        return;
    }
    m_outstanding = 3;
    m_resolver->lookup(m_report.domain, DnsType::Mx, this, [this](const DnsAnswer& a) { onMx(a); });
    m_resolver->lookup(QStringLiteral("_mta-sts.") + m_report.domain, DnsType::Txt, this,
                       [this](const DnsAnswer& a) { onStsTxt(a); });
    m_resolver->lookup(QStringLiteral("_smtp._tls.") + m_report.domain, DnsType::Txt, this,
                       [this](const DnsAnswer& a) { onTlsRpt(a); });
}

bool DomainCheck::dnsProblem(const DnsAnswer& answer, QList<Finding>& findings, const QString& what) const
{
    if (answer.security == DnsSecurity::Bogus) {
        findings.append(FindingCatalogue::make(
            FindingIds::DnssecInvalid,
            tr("%1 (%2 %3): %4").arg(what, answer.name, toKey(answer.type), answer.whyBogus)));
        return true;
    }
    if (answer.rcode == DnsRcode::ServFail || answer.rcode == DnsRcode::Failed) {
        findings.append(FindingCatalogue::make(
            FindingIds::DnsLookupFailed, tr("%1 %2: %3").arg(answer.name, toKey(answer.type), answer.error)));
        return true;
    }
    return false;
}

// ---- MX walk (RFC 5321 s.5.1, RFC 7505) --------------------------------------------------------

void DomainCheck::onMx(const DnsAnswer& answer)
{
    m_report.mxSecurity = answer.security;
    m_report.mxWhyBogus = answer.whyBogus;
    if (dnsProblem(answer, m_report.findings, tr("The MX records"))) {
        release();
        return;
    }
    if (answer.rcode == DnsRcode::NxDomain) {
        m_report.findings.append(FindingCatalogue::make(
            FindingIds::DomainNotFound, tr("%1 does not exist (NXDOMAIN)").arg(m_report.domain)));
        release();
        return;
    }
    QList<MxRecord> records = answer.mx;
    // RFC 7505 s.3: a single MX with the root as target, preference 0: the domain takes no mail.
    if (records.size() == 1 && records.first().host.isEmpty()) {
        m_report.mxMode = QStringLiteral("null-mx");
        m_report.findings.append(
            FindingCatalogue::make(FindingIds::NullMx, tr("%1 MX 0 .").arg(m_report.domain)));
        release();
        return;
    }
    records.erase(
        std::remove_if(records.begin(), records.end(), [](const MxRecord& r) { return r.host.isEmpty(); }),
        records.end());
    if (records.isEmpty()) {
        // No MX: the domain's own address is the implicit MX with preference 0 (RFC 5321 s.5.1).
        m_report.mxMode = QStringLiteral("implicit");
        m_report.findings.append(FindingCatalogue::make(
            FindingIds::MxMissing,
            tr("%1 has no MX record; mail goes to its own address").arg(m_report.domain)));
        addMxHost(0, m_report.domain);
    } else {
        m_report.mxMode = QStringLiteral("mx");
        std::stable_sort(records.begin(), records.end(),
                         [](const MxRecord& a, const MxRecord& b) { return a.preference < b.preference; });
        for (const MxRecord& r : std::as_const(records))
            addMxHost(r.preference, r.host);
    }
    release();
}

void DomainCheck::addMxHost(quint16 preference, const QString& host)
{
    MxResult mx;
    mx.preference = preference;
    mx.host = host;
    const int index = int(m_report.mx.size());
    const QHostAddress literal(host);
    if (!literal.isNull()) {
        // An MX target must be a host name (RFC 5321 s.5.1); some senders use the literal anyway.
        mx.addressLiteral = true;
        mx.addresses = {literal.toString()};
        mx.findings.append(
            FindingCatalogue::make(FindingIds::MxIsAddress, tr("MX %1 %2").arg(preference).arg(host)));
        m_report.mx.append(mx);
        m_tlsaAnswers.append(TlsaAnswers {});
        m_mxLookupsLeft.append(1);
        ++m_outstanding;
        lookupTlsa(index, host, false);
        return;
    }
    m_report.mx.append(mx);
    m_tlsaAnswers.append(TlsaAnswers {});
    m_mxLookupsLeft.append(3);
    m_outstanding += 3;
    m_resolver->lookup(host, DnsType::A, this,
                       [this, index](const DnsAnswer& a) { onMxAddresses(index, a); });
    m_resolver->lookup(host, DnsType::Aaaa, this,
                       [this, index](const DnsAnswer& a) { onMxAddresses(index, a); });
    // RFC 7672 s.2.2: the TLSA RRset of the MX host at port 25. Asked at once even when the host
    // turns out to be an alias: it is the fallback when the alias' target has none (s.2.2.2).
    lookupTlsa(index, host, false);
}

void DomainCheck::lookupTlsa(int index, const QString& host, bool atTarget)
{
    m_resolver->lookup(QStringLiteral("_25._tcp.") + host, DnsType::Tlsa, this,
                       [this, index, atTarget](const DnsAnswer& a) { onTlsa(index, a, atTarget); });
}

namespace {

/// The weaker of two DNSSEC states of the same name (bogus beats insecure beats secure).
DnsSecurity weaker(DnsSecurity a, DnsSecurity b)
{
    const auto rank = [](DnsSecurity s) {
        switch (s) {
        case DnsSecurity::Secure:
            return 0;
        case DnsSecurity::Insecure:
            return 1;
        case DnsSecurity::Indeterminate:
            return 2;
        case DnsSecurity::Bogus:
            return 3;
        }
        return 2;
    };
    if (a == DnsSecurity::Indeterminate)
        return b;
    if (b == DnsSecurity::Indeterminate)
        return a;
    return rank(a) >= rank(b) ? a : b;
}

} // namespace

void DomainCheck::onMxAddresses(int index, const DnsAnswer& answer)
{
    MxResult& mx = m_report.mx[index];
    if (answer.rcode != DnsRcode::Failed && answer.rcode != DnsRcode::ServFail)
        mx.addressSecurity = weaker(mx.addressSecurity, answer.security);
    if (!dnsProblem(answer, mx.findings, tr("The MX host's addresses"))) {
        for (const QHostAddress& a : answer.addresses)
            mx.addresses.append(a.toString());
        if (!answer.canonicalName.isEmpty() && mx.cnameTarget.isEmpty()) {
            mx.cnameTarget = answer.canonicalName;
            mx.findings.append(FindingCatalogue::make(
                FindingIds::MxIsCname, tr("%1 is an alias of %2").arg(mx.host, answer.canonicalName)));
            // RFC 7672 s.2.2.2: with a validated CNAME chain, TLSA records are looked up at the
            // expanded name first. An insecure chain leaves DANE unusable anyway (s.2.2).
            if (answer.security == DnsSecurity::Secure) {
                ++m_mxLookupsLeft[index];
                ++m_outstanding;
                lookupTlsa(index, answer.canonicalName, true);
            }
        }
    }
    mxLookupDone(index);
}

void DomainCheck::onTlsa(int index, const DnsAnswer& answer, bool atTarget)
{
    (atTarget ? m_tlsaAnswers[index].target : m_tlsaAnswers[index].original) = answer;
    mxLookupDone(index);
}

void DomainCheck::chooseTlsa(int index)
{
    const TlsaAnswers& answers = m_tlsaAnswers.at(index);
    // RFC 7672 s.2.2.2: the expanded name's TLSA records win; the original name's count only
    // when the expanded name has none. A bogus or failed answer there is not "none".
    const auto usable = [](const std::optional<DnsAnswer>& a) {
        return a
               && (a->hasData() || a->security == DnsSecurity::Bogus || a->rcode == DnsRcode::ServFail
                   || a->rcode == DnsRcode::Failed);
    };
    const std::optional<DnsAnswer>& chosen = usable(answers.target) ? answers.target : answers.original;
    if (!chosen)
        return;
    const DnsAnswer& answer = *chosen;
    MxResult& mx = m_report.mx[index];
    mx.tlsaName = answer.name;
    mx.tlsaSecurity = answer.security;
    if (!dnsProblem(answer, mx.findings, tr("The TLSA records")))
        mx.tlsa = answer.tlsa;
    else if (answer.security == DnsSecurity::Bogus)
        mx.dane = QStringLiteral("bogus");
}

void DomainCheck::mxLookupDone(int index)
{
    if (--m_mxLookupsLeft[index] == 0) {
        chooseTlsa(index);
        MxResult& mx = m_report.mx[index];
        std::sort(mx.addresses.begin(), mx.addresses.end());
        mx.addresses.removeDuplicates();
        if (mx.addresses.isEmpty()) {
            if (!std::any_of(mx.findings.cbegin(), mx.findings.cend(), [](const Finding& f) {
                    return f.id == FindingIds::DnssecInvalid || f.id == FindingIds::DnsLookupFailed;
                }))
                mx.findings.append(FindingCatalogue::make(FindingIds::MxHostNotFound,
                                                          tr("%1 has no A or AAAA record").arg(mx.host)));
        }
        for (const QString& a : std::as_const(mx.addresses))
            m_queue.push_back(QueuedRun {index, QHostAddress(a)});
        m_runsTotal += int(mx.addresses.size());
        startRuns();
    }
    release();
}

// ---- SMTP runs ---------------------------------------------------------------------------------

void DomainCheck::startRuns()
{
    while (m_running < std::max(1, m_options.maxConcurrentRuns) && !m_queue.empty()) {
        const QueuedRun next = m_queue.front();
        m_queue.pop_front();
        CheckOptions options;
        options.probe.host = m_report.mx.at(next.mx).host;
        options.probe.addresses = {next.address};
        options.probe.port = m_options.smtpPort;
        options.probe.protocol = Protocol::Smtp;
        options.probe.tls = TlsMode::StartTls;
        options.probe.policy = TlsPolicy::Enforce;
        // SMTP between servers is opportunistic: a sender continues past certificate errors
        // unless DANE or MTA-STS says otherwise (RFC 7435, RFC 7672 s.1.3). The run records
        // them; evaluateMx() judges them against the domain's policy.
        options.probe.insecure = true;
        options.probe.extraCaCertificates = m_options.extraCaCertificates;
        options.probe.heloName = m_options.heloName;
        options.probe.stepTimeoutMs = m_options.stepTimeoutMs;
        options.probe.stopAfter = StepId::GreetingTls;
        options.deadlineMs = m_options.runDeadlineMs;
        auto* runner = new CheckRunner(options);
        m_runners.append(runner);
        ++m_running;
        ++m_outstanding;
        const QString address = next.address.toString();
        const int mx = next.mx;
        connect(runner, &CheckRunner::finished, this,
                [this, runner, mx, address] { onRunFinished(runner, mx, address); });
        runner->start();
        Q_EMIT runProgress(m_runsDone, m_runsTotal);
    }
}

void DomainCheck::onRunFinished(CheckRunner* runner, int mx, const QString& address)
{
    m_report.mx[mx].runs.append(MxAddressRun {address, runner->run()});
    m_runners.removeOne(runner);
    runner->deleteLater();
    --m_running;
    ++m_runsDone;
    Q_EMIT runProgress(m_runsDone, m_runsTotal);
    startRuns();
    release();
}

// ---- MTA-STS (RFC 8461) and TLS-RPT (RFC 8460) -------------------------------------------------

void DomainCheck::onStsTxt(const DnsAnswer& answer)
{
    MtaStsInfo& sts = m_report.mtaSts;
    sts.txtSecurity = answer.security;
    if (dnsProblem(answer, m_report.findings, tr("The MTA-STS record"))) {
        release();
        return;
    }
    for (const QByteArray& t : answer.txt)
        sts.txt.append(QString::fromUtf8(t));
    if (answer.txt.isEmpty()) {
        release();
        return;
    }
    QString error;
    sts.record = MtaStsRecord::parse(answer.txt, &error);
    if (!sts.record) {
        sts.recordError = error;
        // TXT records that are not "v=STSv1" belong to something else: no MTA-STS then.
        if (std::any_of(answer.txt.cbegin(), answer.txt.cend(),
                        [](const QByteArray& t) { return t.trimmed().startsWith("v=STSv1"); }))
            m_report.findings.append(FindingCatalogue::make(FindingIds::StsRecordInvalid, error));
        release();
        return;
    }
    PolicyFetcher::Options options;
    options.port = m_options.httpsPort;
    options.extraCaCertificates = m_options.extraCaCertificates;
    options.timeoutMs = m_options.policyTimeoutMs;
    m_fetcher =
        std::make_unique<PolicyFetcher>(m_resolver, QStringLiteral("mta-sts.") + m_report.domain, options);
    connect(m_fetcher.get(), &PolicyFetcher::finished, this, &DomainCheck::onStsFetched);
    m_fetcher->start();
}

void DomainCheck::onStsFetched()
{
    MtaStsInfo& sts = m_report.mtaSts;
    const PolicyFetcher::Result& r = m_fetcher->result();
    static const char* const words[] = {"ok",        "no-address",  "connect-failed", "certificate-invalid",
                                        "redirect",  "http-status", "content-type",   "too-large",
                                        "malformed", "timeout"};
    sts.fetch = QString::fromLatin1(words[int(r.outcome)]);
    sts.fetchDetail = r.detail;
    if (r.outcome == PolicyFetcher::Outcome::Ok) {
        sts.policyText = QString::fromUtf8(r.body);
        QString error;
        sts.policy = MtaStsPolicy::parse(r.body, &error);
        if (!sts.policy) {
            sts.policyError = error;
            m_report.findings.append(FindingCatalogue::make(FindingIds::StsPolicyInvalid, error));
        }
    } else if (r.outcome == PolicyFetcher::Outcome::CertificateInvalid) {
        m_report.findings.append(FindingCatalogue::make(FindingIds::StsWebpkiInvalid,
                                                        tr("mta-sts.%1: %2").arg(m_report.domain, r.detail)));
    } else {
        m_report.findings.append(FindingCatalogue::make(FindingIds::StsPolicyFetchError, r.detail));
    }
    m_fetcher.release()->deleteLater(); // finished() is still being emitted
    release();
}

void DomainCheck::onTlsRpt(const DnsAnswer& answer)
{
    TlsRptInfo& rpt = m_report.tlsRpt;
    rpt.txtSecurity = answer.security;
    if (dnsProblem(answer, m_report.findings, tr("The TLS-RPT record"))) {
        release();
        return;
    }
    for (const QByteArray& t : answer.txt)
        rpt.txt.append(QString::fromUtf8(t));
    QString error;
    rpt.record = TlsRptRecord::parse(answer.txt, &error);
    if (!rpt.record) {
        rpt.error = error;
        const bool present = std::any_of(answer.txt.cbegin(), answer.txt.cend(), [](const QByteArray& t) {
            return t.trimmed().startsWith("v=TLSRPTv1");
        });
        if (present)
            m_report.findings.append(FindingCatalogue::make(FindingIds::TlsRptInvalid, error));
        m_tlsRptMissing = !present;
    }
    release();
}

// ---- verdicts ----------------------------------------------------------------------------------

void DomainCheck::release()
{
    if (--m_outstanding == 0)
        finish();
}

void DomainCheck::finish()
{
    if (m_finished)
        return;
    for (MxResult& mx : m_report.mx)
        evaluateMx(mx);
    evaluateDomain();
    m_report.durationMs = m_clock.isValid() ? m_clock.elapsed() : 0;
    m_finished = true;
    Q_EMIT finished();
}

void DomainCheck::evaluateMx(MxResult& mx) const
{
    std::sort(mx.runs.begin(), mx.runs.end(),
              [](const MxAddressRun& a, const MxAddressRun& b) { return a.address < b.address; });
    const MtaStsInfo& sts = m_report.mtaSts;
    const bool stsEnforce = sts.active() && sts.policy->mode == MtaStsPolicy::Mode::Enforce;
    if (sts.active()) {
        mx.stsMatch = sts.policy->allowsMx(mx.host) ? QStringLiteral("match") : QStringLiteral("no-match");
        if (mx.stsMatch == QLatin1String("no-match")) {
            // RFC 8461 s.4.1: a sender refuses (enforce) or reports (testing) an MX not listed.
            mx.findings.append(FindingCatalogue::make(
                FindingIds::StsMxMismatch,
                tr("%1 matches none of %2").arg(mx.host, sts.policy->mx.join(QStringLiteral(", "))),
                stsEnforce ? Severity::Critical : Severity::Warning));
        }
    }
    // DANE applies when the TLSA RRset and the host's addresses are validated (RFC 7672 s.2.2).
    const bool daneApplies = !mx.tlsa.isEmpty() && mx.tlsaSecurity == DnsSecurity::Secure
                             && (mx.addressLiteral || mx.addressSecurity == DnsSecurity::Secure);
    if (!mx.tlsa.isEmpty() && !daneApplies) {
        mx.dane = QStringLiteral("ignored");
        mx.daneDetail = mx.tlsaSecurity == DnsSecurity::Secure
                            ? tr("the host's addresses are not DNSSEC-signed")
                            : tr("the TLSA records are not DNSSEC-signed");
        mx.findings.append(
            FindingCatalogue::make(FindingIds::TlsaInsecure, tr("%1: %2").arg(mx.tlsaName, mx.daneDetail)));
    }
    bool daneValidEverywhere = daneApplies && !mx.runs.isEmpty();
    bool daneUnusable = false;
    QStringList daneMisses;
    // Which of the MX findings concern one address only: [first, end) in mx.findings per run,
    // and whether DANE missed there (its tlsa-invalid comes after the loop).
    struct Own
    {
        qsizetype first = 0;
        qsizetype end = 0;
        bool daneMiss = false;
    };
    QList<Own> own;
    for (MxAddressRun& r : mx.runs) {
        own.append(Own {mx.findings.size(), mx.findings.size(), false});
        const auto closeOwn = qScopeGuard([&own, &mx] { own.last().end = mx.findings.size(); });
        const Run& run = r.run;
        const auto has = [&run](QLatin1String id) { return run.hasFinding(QString(id)); };
        if (!run.tls) {
            daneValidEverywhere = false;
            if (has(FindingIds::StartTlsNotOffered) || has(FindingIds::StartTlsRejected)) {
                mx.findings.append(FindingCatalogue::make(FindingIds::StartTlsNotSupported,
                                                          tr("%1 (%2)").arg(mx.host, r.address)));
            } else if (has(FindingIds::TlsHandshakeFailed)) {
                mx.findings.append(FindingCatalogue::make(FindingIds::TlsHandshakeFailed,
                                                          tr("%1 (%2)").arg(mx.host, r.address)));
            } else {
                const StepRecord* failed = nullptr;
                for (const StepRecord& s : run.steps) {
                    if (s.status == StepStatus::Failed) {
                        failed = &s;
                        break;
                    }
                }
                mx.findings.append(FindingCatalogue::make(
                    FindingIds::MxUnreachable,
                    tr("%1 (%2): %3")
                        .arg(mx.host, r.address, failed ? failed->summary : tr("no TLS session"))));
            }
            continue;
        }
        bool daneOk = false;
        if (daneApplies) {
            QList<QSslCertificate> chain;
            for (const CertificateInfo& c : run.certificates)
                chain.append(QSslCertificate(c.pem.toLatin1(), QSsl::Pem));
            // RFC 7672 s.3.2.2: for an alias, both the original and the expanded name count.
            QStringList names {mx.host};
            if (!mx.cnameTarget.isEmpty())
                names.append(mx.cnameTarget);
            const DaneMatcher::Result m = DaneMatcher::match(mx.tlsa, chain, names);
            switch (m.outcome) {
            case DaneMatcher::Outcome::Match:
                daneOk = true;
                r.daneUsage = m.usage;
                mx.daneDetail = m.detail;
                break;
            case DaneMatcher::Outcome::Unusable:
                daneUnusable = true;
                daneValidEverywhere = false;
                mx.daneDetail = m.detail;
                break;
            case DaneMatcher::Outcome::NoMatch:
            case DaneMatcher::Outcome::NoRecords:
                daneValidEverywhere = false;
                own.last().daneMiss = true;
                daneMisses.append(tr("%1: %2").arg(r.address, m.detail));
                break;
            }
        }
        // Authenticated by DANE: a DANE sender checks neither CA trust nor (for DANE-EE) names
        // nor expiry (RFC 7672 s.3.1.1, s.3.1.2), so the PKIX findings of the run are not this
        // MX's problem. Only when DANE applies to every address does that hold for the MX.
        if (daneOk)
            continue;
        // Without DANE, certificate problems matter to MTA-STS senders (RFC 8461 s.4.2) and are
        // worth fixing anyway; MTA-STS enforce makes them fatal.
        const Severity severity = stsEnforce ? Severity::Critical : Severity::Warning;
        const QString where = tr("%1 (%2)").arg(mx.host, r.address);
        if (has(FindingIds::CertHostnameMismatch))
            mx.findings.append(FindingCatalogue::make(FindingIds::CertificateHostMismatch, where, severity));
        if (has(FindingIds::CertExpired) || has(FindingIds::CertNotYetValid))
            mx.findings.append(FindingCatalogue::make(FindingIds::CertificateExpired, where, severity));
        if (has(FindingIds::CertSelfSigned) || has(FindingIds::CertUntrustedChain)
            || has(FindingIds::CertChainIncomplete))
            mx.findings.append(FindingCatalogue::make(FindingIds::CertificateNotTrusted, where, severity));
    }
    if (daneApplies && mx.dane != QLatin1String("bogus")) {
        if (!daneMisses.isEmpty()) {
            mx.dane = QStringLiteral("invalid");
            mx.daneDetail = daneMisses.join(QStringLiteral("; "));
            mx.findings.append(FindingCatalogue::make(FindingIds::TlsaInvalid, mx.daneDetail));
        } else if (daneUnusable) {
            mx.dane = QStringLiteral("unusable");
            mx.findings.append(FindingCatalogue::make(FindingIds::TlsaUnusable, mx.daneDetail));
        } else if (daneValidEverywhere) {
            mx.dane = QStringLiteral("valid");
        } else {
            mx.dane = QStringLiteral("no-tls");
        }
    }
    // Each address' verdict: its own findings and the host-wide ones (every finding outside the
    // per-address ranges, tlsa-invalid only where DANE missed).
    for (qsizetype i = 0; i < mx.runs.size(); ++i) {
        Severity worst = Severity::Info;
        for (qsizetype f = 0; f < mx.findings.size(); ++f) {
            const Finding& finding = mx.findings.at(f);
            const bool mine = f >= own.at(i).first && f < own.at(i).end;
            const bool someoneElses = !mine && std::any_of(own.cbegin(), own.cend(), [f](const Own& o) {
                return f >= o.first && f < o.end;
            });
            const bool daneMiss = finding.id == FindingIds::TlsaInvalid;
            if (someoneElses || (daneMiss && !own.at(i).daneMiss))
                continue;
            worst = std::max(worst, finding.severity);
        }
        // As MxResult::verdict(): from the findings' severities.
        mx.runs[i].verdict = worst == Severity::Critical  ? Verdict::Critical
                             : worst == Severity::Warning ? Verdict::Warning
                                                          : Verdict::Ok;
    }
}

void DomainCheck::evaluateDomain()
{
    if (m_report.mx.isEmpty())
        return;
    const bool allDane = std::all_of(m_report.mx.cbegin(), m_report.mx.cend(),
                                     [](const MxResult& m) { return m.dane == QLatin1String("valid"); });
    const MtaStsInfo& sts = m_report.mtaSts;
    const bool stsEnforce = sts.active() && sts.policy->mode == MtaStsPolicy::Mode::Enforce;
    // Only for a domain that takes mail: a missing record is worth knowing then.
    if (m_tlsRptMissing)
        m_report.findings.append(FindingCatalogue::make(
            FindingIds::TlsRptMissing, tr("_smtp._tls.%1 has no TLS-RPT record").arg(m_report.domain)));
    if (!allDane && !stsEnforce) {
        m_report.findings.append(FindingCatalogue::make(
            FindingIds::MailUnprotected,
            tr("Neither DANE on every MX nor an MTA-STS policy in enforce mode protects mail to %1")
                .arg(m_report.domain)));
    }
}
