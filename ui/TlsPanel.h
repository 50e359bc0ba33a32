#pragma once

#include "run/Run.h"

#include <QWidget>

class QTextBrowser;

/**
 * What TLS negotiated and what verification concluded, in words: version, cipher, key exchange,
 * the version matrix when it was probed, and the trust verdict.
 */
class TlsPanel final : public QWidget
{
    Q_OBJECT

public:
    explicit TlsPanel(QWidget* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TlsPanel)

    void setRun(const Run* run);
    /// While a TLS audit runs beside the check: probes done of probes started.
    void setAuditProgress(int done, int total);
    QString plainText() const;

public Q_SLOTS:
    void refresh();

protected:
    void changeEvent(QEvent* event) override;

private:
    /// The version matrix, the accepted ciphers (TlsSuiteTable) and the other probes.
    QString auditHtml(const QString& negotiated) const;

    QTextBrowser* m_browser = nullptr;
    int m_auditDone = 0;
    int m_auditTotal = 0;
    const Run* m_run = nullptr;
};
