using System.Text.Json;
using Pretrain.Pretraining;
using Pretrain.Pretraining.IO;

namespace Pretrain.Auxiliary.Text;

/// <summary>
/// Word-to-id table built from a corpus: id 0 is padding, id 1 the unknown token, then words by falling count (ties
/// in ordinal order, so the same corpus always gives the same ids). Saved beside a text model as JSON.
/// </summary>
public sealed class Vocabulary
{
    /// <summary>The padding token's id.</summary>
    public const int PaddingId = 0;

    /// <summary>The unknown token's id.</summary>
    public const int UnknownId = 1;

    /// <summary>The first id of a real word.</summary>
    public const int FirstWordId = 2;

    private const string PaddingToken = "<pad>";
    private const string UnknownToken = "<unk>";

    private readonly List<string> _tokens;
    private readonly List<long> _counts;
    private readonly Dictionary<string, int> _ids;

    private Vocabulary(List<string> tokens, List<long> counts, bool lowercase)
    {
        _tokens = tokens;
        _counts = counts;
        Lowercase = lowercase;
        _ids = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Count; i++)
            _ids[tokens[i]] = i;
    }

    /// <summary>Whether the corpus was lower-cased when the vocabulary was built (tokenize new text the same way).</summary>
    public bool Lowercase { get; }

    /// <summary>Number of ids, special tokens included.</summary>
    public int Count => _tokens.Count;

    /// <summary>Corpus count per id (the unknown token counts the words left out; padding counts 0).</summary>
    public IReadOnlyList<long> Counts => _counts;

    /// <summary>
    /// Builds the vocabulary of <paramref name="documents"/>: at most <paramref name="maxSize"/> ids (special tokens
    /// included) of words seen at least <paramref name="minCount"/> times.
    /// </summary>
    public static Vocabulary Build(IEnumerable<IReadOnlyList<string>> documents, int maxSize, int minCount = 1, bool lowercase = true)
    {
        ArgumentNullException.ThrowIfNull(documents);
        if (maxSize < FirstWordId + 2)
            throw new ArgumentException($"vocabulary: maxSize must leave room for at least 2 words besides <pad> and <unk>, received {maxSize}.");
        if (minCount < 1)
            throw new ArgumentException($"vocabulary: minCount must be at least 1, received {minCount}.");
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var document in documents)
            foreach (var word in document)
                counts[word] = counts.GetValueOrDefault(word) + 1;
        var kept = counts.Where(c => c.Value >= minCount)
            .OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal)
            .Take(maxSize - FirstWordId).ToList();
        if (kept.Count < 2)
            throw new ArgumentException($"vocabulary: the corpus has {kept.Count} word(s) seen at least {minCount} times; at least 2 are needed.");
        var left = counts.Values.Sum() - kept.Sum(k => k.Value);
        return new Vocabulary([PaddingToken, UnknownToken, .. kept.Select(k => k.Key)], [0, left, .. kept.Select(k => k.Value)], lowercase);
    }

    /// <summary>The id of <paramref name="word"/>, or <see cref="UnknownId"/>.</summary>
    public int IdOf(string word) => _ids.TryGetValue(word, out var id) ? id : UnknownId;

    /// <summary>The word with id <paramref name="id"/>.</summary>
    public string TokenOf(int id) => id >= 0 && id < _tokens.Count
        ? _tokens[id]
        : throw new ArgumentOutOfRangeException(nameof(id), id, $"the vocabulary has ids 0 to {_tokens.Count - 1}.");

    /// <summary>Whether <paramref name="word"/> has its own id.</summary>
    public bool Contains(string word) => _ids.ContainsKey(word);

    /// <summary>The ids of a tokenized document.</summary>
    public int[] Encode(IEnumerable<string> words) => words.Select(IdOf).ToArray();

    /// <summary>Writes the vocabulary as JSON, atomically.</summary>
    public void Save(string path) =>
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(new VocabularyFile(Lowercase, _tokens, _counts), FileOptions));

    /// <summary>Reads a vocabulary written by <see cref="Save"/>; a file that is not one is a <see cref="DataException"/> naming it.</summary>
    public static Vocabulary Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
            throw new DataException(path, "vocabulary file not found.");
        VocabularyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<VocabularyFile>(File.ReadAllText(path), FileOptions);
        }
        catch (JsonException e)
        {
            throw new DataException(path, $"not a vocabulary file ({e.Message}).", e);
        }
        if (file?.Tokens is not { Count: >= FirstWordId } tokens || file.Counts is not { } counts || counts.Count != tokens.Count)
            throw new DataException(path, $"a vocabulary file needs 'tokens' (starting with {PaddingToken} and {UnknownToken}) and one 'counts' entry per token.");
        if (tokens[PaddingId] != PaddingToken || tokens[UnknownId] != UnknownToken)
            throw new DataException(path, $"tokens[0] must be {PaddingToken} and tokens[1] {UnknownToken}, found '{tokens[0]}' and '{tokens[1]}'.");
        if (tokens.Distinct(StringComparer.Ordinal).Count() != tokens.Count)
            throw new DataException(path, "'tokens' lists a word twice.");
        return new Vocabulary(tokens.ToList(), counts.ToList(), file.Lowercase);
    }

    private static readonly JsonSerializerOptions FileOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = false };

    private sealed record VocabularyFile(bool Lowercase, IReadOnlyList<string> Tokens, IReadOnlyList<long> Counts);
}
