// The main window's run options and file actions end to end against the built-in demo server,
// on the offscreen platform: Audit TLS and its version matrix, Stop after, Save report and
// Save transcript (through the real file dialog, filled in as a user would).

#include "FindingsModel.h"
#include "FindingsPanel.h"
#include "MainWindow.h"
#include "run/ReportJson.h"
#include "RunController.h"
#include "ServerBar.h"
#include "TestPrinters.h"
#include "TlsPanel.h"
#include "TranscriptModel.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QFileDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

namespace {

constexpr int RunTimeoutMs = 30000;

void choose(MainWindow& window, const QString& scenario)
{
    ServerChoice choice;
    choice.demoScenario = scenario;
    window.serverBar()->setChoice(choice);
}

QStringList findingIdsShown(MainWindow& window)
{
    QStringList ids;
    const FindingsModel* model = window.findingsPanel()->model();
    for (int row = 0; row < model->rowCount(); ++row)
        ids.append(model->index(row).data(FindingsModel::IdRole).toString());
    ids.sort();
    return ids;
}

QStringList stepsOf(const Run& run)
{
    QStringList parts;
    for (const StepRecord& s : run.steps)
        parts.append(toKey(s.id) + QLatin1Char('=') + toKey(s.status));
    return parts;
}

/// The action a user reaches with `keys` (File ▸ Save Report… is Ctrl+S).
QAction* actionFor(const MainWindow& window, const QKeySequence& keys)
{
    const QList<QAction*> actions = window.findChildren<QAction*>();
    for (QAction* a : actions) {
        if (a->shortcuts().contains(keys))
            return a;
    }
    return nullptr;
}

/// Answers the next file dialog with `path`, as a user typing the name and pressing Save.
/// Returns a flag that turns true once the dialog was seen.
std::shared_ptr<bool> answerFileDialog(const QString& path)
{
    auto seen = std::make_shared<bool>(false);
    auto tries = std::make_shared<int>(0);
    auto* timer = new QTimer(qApp);
    timer->setInterval(10);
    QObject::connect(timer, &QTimer::timeout, timer, [timer, path, seen, tries] {
        auto* dialog = qobject_cast<QFileDialog*>(QApplication::activeModalWidget());
        if (!dialog)
            return;
        // QFileDialog::selectFile() leaves the file name field alone while it has the keyboard
        // focus (the user might be typing), which it gets as soon as the dialog is shown.
        if (QWidget* focused = dialog->focusWidget())
            focused->clearFocus();
        dialog->selectFile(path);
        // Not taken yet: try again on the next tick; after 5 s accept anyway, so that a dialog
        // that never takes it fails the file check below instead of hanging the test.
        if (dialog->selectedFiles() != QStringList {path} && ++*tries < 500)
            return;
        *seen = true;
        timer->deleteLater();
        timer->stop();
        QMetaObject::invokeMethod(dialog, "accept"); // QFileDialog::accept() is protected
    });
    timer->start();
    return seen;
}

} // namespace

class TestMainWindowActions final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QCoreApplication::setOrganizationName(QStringLiteral("MailscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("TestMainWindowActions"));
        QSettings().clear();
        // The Qt file dialog (the offscreen platform has no native one) is what a user fills in.
        QCoreApplication::setAttribute(Qt::AA_DontUseNativeDialogs);
        QVERIFY(m_dir.isValid());
    }

    void auditTlsShowsTheVersionMatrix()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("good"));
        window.auditTlsAction()->setChecked(true);
        QVERIFY(window.controller()->auditTls());
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

        const Run& run = window.controller()->run();
        // The demo's listeners keep Qt's default QSsl::SecureProtocols (TLS 1.2 and later).
        const QMap<QString, QString> expected {{QStringLiteral("TLSv1.0"), QStringLiteral("rejected")},
                                               {QStringLiteral("TLSv1.1"), QStringLiteral("rejected")},
                                               {QStringLiteral("TLSv1.2"), QStringLiteral("accepted")},
                                               {QStringLiteral("TLSv1.3"), QStringLiteral("accepted")}};
        QCOMPARE(run.tlsVersions, expected);
        QCOMPARE(findingIdsShown(window), QStringList {});
        QCOMPARE(run.verdict(), Verdict::Ok);
        // The panel shows the matrix, one row per version, with the words a reader needs.
        const QString tls = window.tlsPanel()->plainText();
        QVERIFY2(tls.contains(QLatin1String("TLS versions the server accepts")), qPrintable(tls));
        for (const char* line : {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"})
            QVERIFY2(tls.contains(QLatin1String(line)), line);
        QVERIFY2(!tls.contains(QLatin1String("Not probed in this run")), qPrintable(tls));
        QVERIFY2(tls.contains(QLatin1String("Accepted ciphers")), qPrintable(tls));
    }

    void withoutAuditTheMatrixIsNotProbed()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("good"));
        window.auditTlsAction()->setChecked(false);
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);
        QVERIFY(window.controller()->run().tlsVersions.isEmpty());
        QVERIFY(window.tlsPanel()->plainText().contains(QLatin1String("Not probed in this run")));
    }

    void stopAfterGreeting()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("good"));
        window.auditTlsAction()->setChecked(false);
        QComboBox* stopAfter = window.stopAfterCombo();
        const int index = stopAfter->findData(int(StepId::Greeting));
        QVERIFY(index > 0);
        stopAfter->setCurrentIndex(index);
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);

        const Run& run = window.controller()->run();
        QCOMPARE(stepsOf(run),
                 (QStringList {QStringLiteral("resolve=ok"), QStringLiteral("connect=ok"),
                               QStringLiteral("banner=ok"), QStringLiteral("greeting=ok"),
                               QStringLiteral("starttls=skipped"), QStringLiteral("tls-handshake=skipped"),
                               QStringLiteral("greeting-tls=skipped"), QStringLiteral("quit=ok")}));
        QVERIFY(!run.tls.has_value());
        QCOMPARE(findingIdsShown(window), QStringList {});
        QCOMPARE(window.transcriptModel()->boundaryRow(), -1);
        // The combo is disabled only while a run is going.
        QVERIFY(stopAfter->isEnabled());
        stopAfter->setCurrentIndex(0);
    }

    void saveReportAndTranscript()
    {
        MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        choose(window, QStringLiteral("good"));
        window.auditTlsAction()->setChecked(false);
        QAction* saveReport = actionFor(window, QKeySequence::Save);
        QAction* saveTranscript = actionFor(window, QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
        QVERIFY(saveReport && saveTranscript);
        QCOMPARE(saveReport->text(), QStringLiteral("&Save Report…"));
        QCOMPARE(saveTranscript->text(), QStringLiteral("Save Trans&cript…"));
        QVERIFY(!saveReport->isEnabled()); // nothing to save before a run
        QSignalSpy done(window.controller(), &RunController::finished);
        window.runAction()->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, RunTimeoutMs);
        QVERIFY(saveReport->isEnabled());
        QVERIFY(saveTranscript->isEnabled());

        // JSON because of the file name: exactly what ReportJson makes of the run.
        const QString json = m_dir.filePath(QStringLiteral("report.json"));
        auto seen = answerFileDialog(json);
        saveReport->trigger();
        QVERIFY(*seen);
        QFile jsonFile(json);
        QVERIFY(jsonFile.open(QIODevice::ReadOnly));
        const QByteArray written = jsonFile.readAll();
        QCOMPARE(written, ReportJson::toJson(window.controller()->run()));
        QCOMPARE(QJsonDocument::fromJson(written).object().value(QLatin1String("verdict")).toString(),
                 QStringLiteral("ok"));

        const QString text = m_dir.filePath(QStringLiteral("report.txt"));
        seen = answerFileDialog(text);
        saveReport->trigger();
        QVERIFY(*seen);
        QFile textFile(text);
        QVERIFY(textFile.open(QIODevice::ReadOnly));
        QVERIFY(textFile.readAll().contains("Verdict: OK"));

        const QString transcript = m_dir.filePath(QStringLiteral("transcript.txt"));
        seen = answerFileDialog(transcript);
        saveTranscript->trigger();
        QVERIFY(*seen);
        QFile transcriptFile(transcript);
        QVERIFY(transcriptFile.open(QIODevice::ReadOnly));
        QStringList expected {QStringLiteral("# Credentials, if any, are redacted.")};
        const TranscriptModel* model = window.transcriptModel();
        for (int row = 0; row < model->rowCount(); ++row)
            expected.append(model->lineText(row));
        const QStringList lines =
            QString::fromUtf8(transcriptFile.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines, expected);
        QVERIFY(lines.contains(QStringLiteral("C: STARTTLS")));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestMainWindowActions)
#include "TestMainWindowActions.moc"
