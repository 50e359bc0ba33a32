#pragma once

#include "run/Run.h"

#include <QAbstractTableModel>
#include <QTimer>

/**
 * The transcript of a Run as a table: time, direction and text. The engine emits one signal per
 * line; the model coalesces them and inserts rows in batches (at most one insert per frame), so
 * that hundreds of thousands of lines stream in without stalling the event loop.
 *
 * One synthetic row marks where the connection became encrypted: it sits just before the first
 * line that travelled over TLS.
 */
class TranscriptModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        TimeColumn,
        DirectionColumn,
        TextColumn,
        ColumnCount
    };
    enum Role
    {
        DirectionRole = Qt::UserRole + 1, ///< 'C', 'S', 'I' as QChar; null on the boundary row
        TlsRole,
        DiscardedRole,
        StepIndexRole,
        BoundaryRole, ///< true on the "encrypted from here" row
        EntryRole, ///< index into Run::transcript, -1 on the boundary row
    };

    explicit TranscriptModel(QObject* parent = nullptr);
    Q_DISABLE_COPY_MOVE(TranscriptModel)

    void setRun(const Run* run);
    /// Inserts every line appended since the last batch now (tests, selection, the end of a run).
    void flush();
    /// Batch interval; 16 ms keeps inserts to one per frame.
    void setBatchInterval(int ms) { m_batch.setInterval(ms); }

    int rowForEntry(int entry) const;
    int entryForRow(int row) const;
    int boundaryRow() const { return m_boundaryEntry < 0 ? -1 : m_boundaryEntry; }
    /// Rows of the lines a step produced (Run::steps index).
    QList<int> rowsForStep(int stepIndex) const;
    /// Next row at or after `from` (before, when !forward) whose text contains `needle`; -1 if none.
    int find(const QString& needle, int from, bool forward) const;
    /// "C: EHLO example.org" — the line as the scenario format writes it.
    QString lineText(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public Q_SLOTS:
    void onTranscriptAppended(int index);

private:
    QString boundaryText() const;

    const Run* m_run = nullptr;
    int m_shown = 0; ///< transcript entries inserted as rows
    int m_boundaryEntry = -1; ///< first entry over TLS (the boundary row sits at this row)
    QTimer m_batch;
};
