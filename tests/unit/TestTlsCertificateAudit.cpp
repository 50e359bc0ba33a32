// CertificateAudit over chains built with the test PKI: order, missing intermediate, SHA-1, and
// that each problem lands on the certificate it concerns.

#include "findings/FindingCatalogue.h"
#include "TestPki.h"
#include "tls/CertificateAudit.h"
#include "tls/CertificateFactory.h"
#include "tls/CertificateInspector.h"

#include <QTest>

class TestTlsCertificateAudit final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(TestPki::instance().isValid()); }
    void completeChainIsClean();
    void missingIntermediate();
    void wrongOrder();
    void sha1Signature();
    void untrustedRootIsNotIncomplete();
    void selfSignedLeaf();

private:
    static QList<Finding> audit(const QList<QSslCertificate>& chain, QList<CertificateInfo>* infos = nullptr);
    static QStringList ids(const QList<Finding>& findings);
};

QList<Finding> TestTlsCertificateAudit::audit(const QList<QSslCertificate>& chain,
                                              QList<CertificateInfo>* infos)
{
    QList<CertificateInfo> local = CertificateInspector::inspectChain(
        chain, {}, QDateTime::currentDateTimeUtc(), QStringLiteral("localhost"));
    const QList<Finding> findings =
        CertificateAudit::audit(chain, local, TestPki::instance().caCertificates());
    if (infos)
        *infos = local;
    return findings;
}

QStringList TestTlsCertificateAudit::ids(const QList<Finding>& findings)
{
    QStringList out;
    for (const Finding& f : findings)
        out.append(f.id);
    return out;
}

void TestTlsCertificateAudit::completeChainIsClean()
{
    const TestPki& pki = TestPki::instance();
    const QList<QSslCertificate> chain = pki.identity(TestPki::Kind::Good).chain;
    QCOMPARE(chain.size(), 2);
    QVERIFY(CertificateAudit::issuedBy(chain.at(0), chain.at(1)));
    QVERIFY(!CertificateAudit::issuedBy(chain.at(1), chain.at(0)));
    QList<CertificateInfo> infos;
    QCOMPARE(ids(audit(chain, &infos)), QStringList());
    QVERIFY(infos.at(0).errors.isEmpty());
    QVERIFY(infos.at(1).errors.isEmpty());
    // The certificates survive the round trip through the report's PEM.
    QCOMPARE(CertificateAudit::certificatesOf(infos), chain);
}

void TestTlsCertificateAudit::missingIntermediate()
{
    const QSslCertificate leaf = TestPki::instance().identity(TestPki::Kind::Good).chain.constFirst();
    QList<CertificateInfo> infos;
    const QList<Finding> findings = audit({leaf}, &infos);
    QCOMPARE(ids(findings), QStringList {FindingIds::CertChainIncomplete});
    QVERIFY(findings.constFirst().detail.contains(QLatin1String("Mailscope Test Intermediate CA")));
    QCOMPARE(infos.at(0).errors.size(), 1);
    QVERIFY(infos.at(0).errors.constFirst().contains(QLatin1String("intermediate is missing")));
}

void TestTlsCertificateAudit::wrongOrder()
{
    const TestPki& pki = TestPki::instance();
    const QSslCertificate leaf = pki.identity(TestPki::Kind::Good).chain.constFirst();
    // leaf, root, intermediate: the leaf is not issued by the certificate after it.
    QList<CertificateInfo> infos;
    const QList<Finding> findings =
        audit({leaf, pki.root().certificate, pki.intermediate().certificate}, &infos);
    QVERIFY2(ids(findings).contains(FindingIds::CertChainOrder),
             qPrintable(ids(findings).join(QLatin1Char(' '))));
    QVERIFY(!ids(findings).contains(FindingIds::CertChainIncomplete));
    QVERIFY(!infos.at(0).errors.isEmpty());
    QVERIFY(infos.at(0).errors.constFirst().contains(QLatin1String("position 2")));
}

void TestTlsCertificateAudit::sha1Signature()
{
    const TestPki& pki = TestPki::instance();
    CertificateRequest request;
    request.commonName = QStringLiteral("localhost");
    request.dnsNames = {QStringLiteral("localhost")};
    request.signature = QCryptographicHash::Sha1;
    const IssuedCertificate sha1 = CertificateFactory::issue(request, pki.intermediate());
    QVERIFY(!sha1.isNull());
    QList<CertificateInfo> infos;
    const QList<Finding> findings = audit({sha1.certificate, pki.intermediate().certificate}, &infos);
    QCOMPARE(ids(findings), QStringList {FindingIds::CertSha1Signature});
    QCOMPARE(findings.constFirst().detail, QStringLiteral("localhost"));
    QCOMPARE(infos.at(0).errors.size(), 1);
    QVERIFY(infos.at(1).errors.isEmpty());
}

void TestTlsCertificateAudit::untrustedRootIsNotIncomplete()
{
    // Leaf + intermediate from a CA this machine does not trust: the chain is complete; whether
    // the root is trusted is verification's verdict (cert-untrusted-chain), not the audit's.
    const TestPki& pki = TestPki::instance();
    const QList<QSslCertificate> chain = pki.identity(TestPki::Kind::Good).chain;
    QList<CertificateInfo> infos =
        CertificateInspector::inspectChain(chain, {}, QDateTime::currentDateTimeUtc());
    QCOMPARE(ids(CertificateAudit::audit(chain, infos, {})), QStringList());
}

void TestTlsCertificateAudit::selfSignedLeaf()
{
    const QList<QSslCertificate> chain = TestPki::instance().identity(TestPki::Kind::SelfSigned).chain;
    QCOMPARE(ids(audit(chain)), QStringList());
}

QTEST_GUILESS_MAIN(TestTlsCertificateAudit)
#include "TestTlsCertificateAudit.moc"
