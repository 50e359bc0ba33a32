#pragma once

#include "session/MessageTransaction.h"

#include <functional>
#include <QWidget>

class MainWindow;
class QCheckBox;
class QFrame;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
struct Run;
struct ServerChoice;

/**
 * The send pane: composes a test message (from, to, cc, subject, body, attachments, extra
 * headers), shows its raw form, asks once for confirmation and hands it to the window's run, so
 * the outcome lands on the same timeline and transcript as every run (steps mail-from, rcpt-to,
 * data). It builds nothing itself: TestMessage does, the engine sends. A profile's test-message
 * defaults fill the empty fields.
 */
class SendPane final : public QWidget
{
    Q_OBJECT

public:
    explicit SendPane(QWidget* parent = nullptr);

    /// Puts the pane into `window` as a dock with a menu action, wired to its run controller.
    static SendPane* install(MainWindow* window);

    /// The message as composed; empty optional and `error` when it cannot be built.
    std::optional<SendOptions> composed(QString* error) const;
    /// Fills From and To when they are empty (a profile's defaults).
    void applyDefaults(const QString& from, const QStringList& to);
    /// Shows the outcome of the run that sent the message.
    void showOutcome(const Run& run);
    /// The message is on its way: `sent` of `total` bytes. A bar shows it for a large message
    /// (a small one is gone before a bar could be read); hidden again by showOutcome().
    void showProgress(qint64 sent, qint64 total);
    /// Messages from this size on get the progress bar.
    static constexpr qint64 ProgressFromBytes = 1024 * 1024;
    /// Adds a file as an attachment (the button asks for one with a file dialog).
    bool addAttachment(const QString& path, QString* error = nullptr);

    QLineEdit* fromEdit() const { return m_from; }
    QLineEdit* toEdit() const { return m_to; }
    QLineEdit* ccEdit() const { return m_cc; }
    QLineEdit* subjectEdit() const { return m_subject; }
    QPlainTextEdit* bodyEdit() const { return m_body; }
    QPlainTextEdit* headersEdit() const { return m_headers; }
    QPlainTextEdit* preview() const { return m_preview; }
    QPushButton* sendButton() const { return m_send; }
    /// The confirmation's "Send now" (visible after Send…).
    QPushButton* confirmButton() const { return m_confirm; }
    QLabel* outcomeLabel() const { return m_outcome; }
    QProgressBar* progressBar() const { return m_progress; }

Q_SIGNALS:
    /// Confirmed by the user: send this.
    void sendRequested(const SendOptions& send);

private:
    void updatePreview();
    void askConfirmation();

    QLineEdit* m_from = nullptr;
    QLineEdit* m_to = nullptr;
    QLineEdit* m_cc = nullptr;
    QLineEdit* m_subject = nullptr;
    QPlainTextEdit* m_body = nullptr;
    QListWidget* m_attachments = nullptr;
    QPlainTextEdit* m_headers = nullptr;
    QCheckBox* m_bdat = nullptr;
    QPlainTextEdit* m_preview = nullptr;
    QPushButton* m_send = nullptr;
    QFrame* m_confirmBar = nullptr;
    QLabel* m_confirmText = nullptr;
    QPushButton* m_confirm = nullptr;
    QLabel* m_outcome = nullptr;
    QProgressBar* m_progress = nullptr;
    QList<MessageAttachment> m_files;
    bool m_sending = false; ///< the window's current run carries this pane's message
};
