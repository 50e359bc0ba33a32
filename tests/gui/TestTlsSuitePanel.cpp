// The TLS panel with a legacy server's audit: SSL rows in the version matrix, each accepted suite
// with its rating, key exchange and reason, and the groups; and a saved report (names only)
// still shows its notes.

#include "LegacyTlsRun.h"
#include "run/ReportJson.h"
#include "run/ReportReader.h"
#include "TlsPanel.h"

#include <QTest>

namespace {

/// How QTextDocument::toPlainText() renders table cells: one per line; an icon is U+FFFC and the
/// non-breaking space after it a space.
QString cells(std::initializer_list<const char*> list)
{
    QStringList out;
    for (const char* cell : list)
        out.append(QString::fromUtf8(cell).replace(QLatin1String("[icon]"), QStringLiteral("\uFFFC")));
    return out.join(QLatin1Char('\n'));
}

} // namespace

class TestTlsSuitePanel final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsEverySuiteWithItsRating()
    {
        const Run run = legacyTlsRun();
        TlsPanel panel;
        panel.resize(1000, 800);
        panel.setRun(&run);
        const QString text = panel.plainText();
        // The version matrix has the SSL rows: SSL 3.0 accepted is insecure, SSL 2.0 refused is good.
        QVERIFY2(text.contains(cells({"SSLv3", "[icon] accepted (insecure)", "negotiated RC4-SHA"})),
                 qPrintable(text));
        QVERIFY2(text.contains(cells({"SSLv2", "[icon] rejected", "handshake_failure"})), qPrintable(text));
        // One row per suite: name, rating, key exchange with the DH size or group, encryption, why.
        const QStringList rows {
            cells({"RC4-SHA", "[icon] insecure", "RSA/RSA", "RC4 128",
                   "SSL 3.0 (POODLE; RFC 7568); RC4, prohibited by RFC 7465; no forward secrecy"}),
            cells({"EDH-RSA-DES-CBC3-SHA", "[icon] weak", "DH/RSA 1024-bit DH", "3DES 168",
                   "64-bit block cipher (Sweet32, CVE-2016-2183); CBC on TLS 1.0/1.1 (BEAST, Lucky13; RFC "
                   "8996); "
                   "1024-bit DH group, under 2048 bits (Logjam)"}),
            cells({"1.", "ECDHE-RSA-AES128-GCM-SHA256", "[icon] recommended", "ECDH/RSA x25519", "AESGCM 128",
                   "", "2."}),
            cells({"ECDHE-RSA-NULL-SHA", "[icon] insecure", "ECDH/RSA x25519", "None 0",
                   "NULL encryption: nothing is encrypted"}),
            cells({"ECDHE-RSA-DES-CBC3-SHA", "[icon] weak", "ECDH/RSA secp192r1", "3DES 168",
                   "64-bit block cipher (Sweet32, CVE-2016-2183); secp192r1: a 192-bit curve (under 128-bit "
                   "strength), deprecated by RFC 8422"}),
        };
        for (const QString& row : rows)
            QVERIFY2(text.contains(row), qPrintable(row));
        QVERIFY2(text.contains(cells({"Key-exchange groups accepted: x25519, secp256r1, [icon] secp192r1"})),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("TLSv1.2 — 8 ciphers, in the server's order of preference")),
                 qPrintable(text));
    }

    void savedReportShowsTheSameSuites()
    {
        // Written and read back: the panel shows the same rows (ratings derived again from codes).
        const Run run = legacyTlsRun();
        const ReportReader::Result read = ReportReader::read(ReportJson::toJson(run));
        QVERIFY2(read.run, qPrintable(read.error));
        TlsPanel fresh;
        fresh.setRun(&run);
        TlsPanel saved;
        saved.setRun(&*read.run);
        QCOMPARE(saved.plainText().split(QLatin1Char('\n')), fresh.plainText().split(QLatin1Char('\n')));
    }

    void namesOnlyKeepTheirNotes()
    {
        // A report from before suites were recorded: names and weak-cipher notes only.
        Run run = legacyTlsRun();
        run.tlsAudit->suites.clear();
        run.ciphers = {{QStringLiteral("TLSv1.2"),
                        {QStringLiteral("ECDHE-RSA-AES128-GCM-SHA256"), QStringLiteral("DES-CBC3-SHA")}}};
        run.tlsAudit->weakCiphers = {{QStringLiteral("TLSv1.2"), {QStringLiteral("DES-CBC3-SHA (3DES)")}}};
        TlsPanel panel;
        panel.setRun(&run);
        const QString text = panel.plainText();
        QVERIFY2(text.contains(cells({"DES-CBC3-SHA", "[icon] weak: 3DES"})), qPrintable(text));
        QVERIFY2(!text.contains(QLatin1String("recommended")), qPrintable(text));
    }
};

QTEST_MAIN(TestTlsSuitePanel)
#include "TestTlsSuitePanel.moc"
