// The domain page against the demo's mail domains (in-process DNS, the built-in demo server).
// MAILSCOPE_SCREENSHOT_DIR set: also saves packaging screenshots of the page.

#include "demo/DemoServer.h"
#include "dns/StaticResolver.h"
#include "domain/DaneMatcher.h"
#include "domain/DomainCheck.h"
#include "DomainWindow.h"
#include "RunDialog.h"

#include <QComboBox>
#include <QLabel>
#include <QSignalSpy>
#include <QSplitter>
#include <QTableWidget>
#include <QTest>
#include <QTreeWidget>

class TestDomainWindow final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void demoDomains_data();
    void demoDomains();
    void openRunOfAnAddress();
    void eachAddressShowsItsOwnVerdict();

private:
    void check(DomainWindow& window, const QString& domain);
};

void TestDomainWindow::check(DomainWindow& window, const QString& domain)
{
    window.domainBox()->setEditText(domain);
    QSignalSpy done(&window, &DomainWindow::checkFinished);
    window.startCheck();
    QVERIFY(done.wait(60000));
}

void TestDomainWindow::demoDomains_data()
{
    QTest::addColumn<QString>("domain");
    QTest::addColumn<int>("rows");
    QTest::addColumn<QString>("dane");
    QTest::addColumn<QString>("verdict");
    QTest::newRow("good") << "demo.test" << 1 << "valid"
                          << "OK";
    QTest::newRow("tlsa-mismatch") << "tlsa-mismatch.demo.test" << 1 << "invalid"
                                   << "CRITICAL";
    QTest::newRow("unsigned") << "unsigned.demo.test" << 1 << "ignored"
                              << "WARNING";
    QTest::newRow("null-mx") << "nullmx.demo.test" << 0 << ""
                             << "";
}

void TestDomainWindow::demoDomains()
{
    QFETCH(QString, domain);
    QFETCH(int, rows);
    QFETCH(QString, dane);
    QFETCH(QString, verdict);
    DomainWindow window;
    window.show();
    check(window, domain);
    QCOMPARE(window.report().domain, domain);
    QCOMPARE(window.mxTable()->rowCount(), rows);
    if (rows > 0) {
        QCOMPARE(window.mxTable()->item(0, 2)->text(), QStringLiteral("127.0.0.1"));
        QCOMPARE(window.mxTable()->item(0, 4)->text(), dane);
        QCOMPARE(window.mxTable()->item(0, 8)->text(), verdict);
        QVERIFY(window.mxTable()->item(0, 6)->text().startsWith(QLatin1String("TLSv1.")));
        // DemoDomain publishes DANE-EE(3) records: the certificate column says what a DANE
        // sender relies on, not the PKIX result.
        QCOMPARE(
            window.mxTable()->item(0, 7)->text().endsWith(QLatin1String(", authenticated by DANE (usage 3)")),
            dane == QLatin1String("valid"));
    }
    // Findings worst first: the severity column never rises going down.
    const auto rank = [](const QString& severity) {
        return severity == QLatin1String("critical") ? 2 : severity == QLatin1String("warning") ? 1 : 0;
    };
    QTreeWidget* findings = window.findingsTree();
    qsizetype findingCount = window.report().findings.size();
    for (const MxResult& mx : window.report().mx)
        findingCount += mx.findings.size();
    QCOMPARE(findings->topLevelItemCount(), int(findingCount));
    for (int i = 1; i < findings->topLevelItemCount(); ++i)
        QVERIFY(rank(findings->topLevelItem(i - 1)->text(0)) >= rank(findings->topLevelItem(i)->text(0)));
    if (domain == QLatin1String("tlsa-mismatch.demo.test"))
        QCOMPARE(findings->topLevelItem(0)->text(0), QStringLiteral("critical"));
    // The MX table does not take the room the records and findings need.
    window.resize(1200, 640);
    QTRY_VERIFY(window.splitter()->sizes().at(0) < window.splitter()->sizes().at(1));
    const QByteArray dir = qgetenv("MAILSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty()
        && (domain == QLatin1String("demo.test") || domain == QLatin1String("tlsa-mismatch.demo.test"))) {
        QVERIFY(window.grab().save(
            QString::fromLocal8Bit(dir)
            + QStringLiteral("/domain-%1.png").arg(domain.section(QLatin1Char('.'), 0, 0))));
    }
}

void TestDomainWindow::openRunOfAnAddress()
{
    DomainWindow window;
    window.show();
    check(window, QStringLiteral("demo.test"));
    window.openRun(0);
    auto* dialog = window.findChild<RunDialog*>(QStringLiteral("runDialog"));
    QVERIFY(dialog);
    QVERIFY(dialog->windowTitle().contains(QLatin1String("mx.demo.test (127.0.0.1)")));
}

void TestDomainWindow::eachAddressShowsItsOwnVerdict()
{
    // One MX host with two addresses: the demo server answers on 127.0.0.1 (DANE-EE valid),
    // nothing listens on 127.0.0.2. Each address row says what was concluded for it; the host's
    // verdict (the worst) is in the row's tooltip.
    DemoServer demo;
    QVERIFY2(demo.start(), qPrintable(demo.errorString()));
    StaticResolver resolver;
    const auto answer = [](DnsSecurity security) {
        DnsAnswer a;
        a.security = security;
        return a;
    };
    DnsAnswer mx = answer(DnsSecurity::Secure);
    mx.mx = {{10, QStringLiteral("mx.two.test")}};
    resolver.add(QStringLiteral("two.test"), DnsType::Mx, mx);
    DnsAnswer a = answer(DnsSecurity::Secure);
    a.addresses = {QHostAddress(QStringLiteral("127.0.0.1")), QHostAddress(QStringLiteral("127.0.0.2"))};
    resolver.add(QStringLiteral("mx.two.test"), DnsType::A, a);
    resolver.add(QStringLiteral("mx.two.test"), DnsType::Aaaa, answer(DnsSecurity::Secure));
    DnsAnswer tlsa = answer(DnsSecurity::Secure);
    tlsa.tlsa = {{3, 1, 1, DaneMatcher::associationData(demo.goodCertificate(), 1, 1)}};
    resolver.add(QStringLiteral("_25._tcp.mx.two.test"), DnsType::Tlsa, tlsa);
    DomainCheckOptions options;
    options.smtpPort = demo.port(Protocol::Smtp, TlsMode::StartTls);
    options.extraCaCertificates = demo.caCertificates();
    options.stepTimeoutMs = 10000;
    DomainCheck check(QStringLiteral("two.test"), &resolver, options);
    QSignalSpy done(&check, &DomainCheck::finished);
    check.start();
    QVERIFY(done.wait(60000));

    DomainWindow window;
    window.show();
    window.showSavedReport(check.report(), QStringLiteral("a test"));
    const QByteArray dir = qgetenv("MAILSCOPE_SCREENSHOT_DIR");
    if (!dir.isEmpty()) {
        window.resize(1200, 640);
        QVERIFY(
            window.grab().save(QString::fromLocal8Bit(dir) + QStringLiteral("/domain-two-addresses.png")));
    }
    QTableWidget* table = window.mxTable();
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("127.0.0.1"));
    QCOMPARE(table->item(0, 8)->text(), QStringLiteral("OK"));
    QCOMPARE(table->item(1, 2)->text(), QStringLiteral("127.0.0.2"));
    QCOMPARE(table->item(1, 8)->text(), QStringLiteral("CRITICAL"));
    QCOMPARE(table->horizontalHeaderItem(8)->text(), QStringLiteral("Verdict"));
    // The domain field's label is its buddy's: Alt+D, and no ampersand shown.
    QLabel* label = nullptr;
    for (QLabel* l : window.findChildren<QLabel*>()) {
        if (l->text() == QLatin1String("Mail &domain:"))
            label = l;
    }
    QVERIFY(label);
    QCOMPARE(label->buddy(), window.domainBox());
    QCOMPARE(
        table->item(0, 8)->toolTip(),
        QStringLiteral("This address: OK. The MX host mx.two.test: CRITICAL (the worst of its addresses)."));
}

QTEST_MAIN(TestDomainWindow)
#include "TestDomainWindow.moc"
