"""Your own models: tiny randomly initialised Hugging Face transformers built from configs (no download), torchvision
classifiers with `weights=None`, and a user module with nested submodules, through `get_activations` and `compare`.

Every check compares against a hand computation or a control that differs; nothing here needs a network.
"""
import pytest
import torch
import torchvision
from torch import nn
from torch.utils.data import DataLoader, Dataset

from repsim.activations import get_activations, list_layers
from repsim.comparison import compare

torch.set_num_threads(1)
transformers = pytest.importorskip("transformers")
VOCAB, N, T = 100, 12, 9


@pytest.fixture(scope="module")
def bert():
    torch.manual_seed(0)
    cfg = transformers.BertConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                                  intermediate_size=64)
    return transformers.BertModel(cfg).eval()


@pytest.fixture(scope="module")
def gpt2():
    torch.manual_seed(1)
    cfg = transformers.GPT2Config(n_embd=32, n_layer=2, n_head=2, vocab_size=VOCAB, bos_token_id=0, eos_token_id=0)
    return transformers.GPT2LMHeadModel(cfg).eval()


@pytest.fixture(scope="module")
def batch():
    "Random token ids with right padding of varied length (mask 0), and labels."
    g = torch.Generator().manual_seed(0)
    ids = torch.randint(1, VOCAB, (N, T), generator=g)
    lengths = torch.randint(2, T + 1, (N,), generator=g); lengths[0] = T
    mask = (torch.arange(T)[None] < lengths[:, None]).long()
    return {"input_ids": ids * mask, "attention_mask": mask, "labels": torch.arange(N) % 3}


BERT_LAYERS = ["embeddings", "encoder.layer.0", "encoder.layer.1"]
GPT_LAYERS = ["transformer.h.0", "transformer.h.1", "transformer.ln_f"]


def _hidden(model, batch):
    "Every hidden state by the model's own output_hidden_states (the control for the captured layers)."
    with torch.no_grad():
        out = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], output_hidden_states=True)
    return out.hidden_states


def test_masked_mean_equals_hand_computation(bert, batch):
    A = get_activations(bert, batch, BERT_LAYERS, tokens="mean", batch_size=5)
    assert A.method == "hooks" and A.tokens == "mean" and A.n_inputs == N
    hs, m = _hidden(bert, batch), batch["attention_mask"].bool()
    for i, l in enumerate(BERT_LAYERS):                       # hidden_states[0] = embeddings, [i] = after layer i-1
        by_hand = torch.stack([hs[i][r, m[r]].mean(0) for r in range(N)])
        torch.testing.assert_close(A[l], by_hand, atol=1e-5, rtol=1e-5)
    assert not torch.allclose(A["encoder.layer.1"], hs[2].mean(1), atol=1e-3)   # padding counted would differ
    torch.testing.assert_close(A.labels, batch["labels"])


def _pad(batch, k=4):
    z = torch.zeros(N, k, dtype=torch.long)
    return {"input_ids": torch.cat([batch["input_ids"], z], 1), "attention_mask": torch.cat([batch["attention_mask"], z], 1)}


@pytest.mark.parametrize("tokens", ["mean", "last", "all", "cls"])
def test_padding_changes_nothing(bert, gpt2, batch, tokens):
    for model, layers in ((bert, BERT_LAYERS), (gpt2, GPT_LAYERS)):
        a = get_activations(model, batch, layers, tokens=tokens)
        b = get_activations(model, _pad(batch), layers, tokens=tokens)
        for l in layers: torch.testing.assert_close(a[l], b[l], atol=1e-5, rtol=1e-5)


def test_last_picks_last_valid_token(gpt2, batch):
    A = get_activations(gpt2, batch, GPT_LAYERS, tokens="last")
    hs, last = _hidden(gpt2.transformer, batch), batch["attention_mask"].sum(1) - 1
    torch.testing.assert_close(A["transformer.ln_f"], hs[-1][torch.arange(N), last], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(A["transformer.ln_f"], hs[-1][:, -1], atol=1e-3)     # the padded last position differs


def test_all_rows_are_the_valid_tokens(bert, gpt2, batch):
    m = batch["attention_mask"]
    a = get_activations(bert, batch, BERT_LAYERS, tokens="all", batch_size=5)
    g = get_activations(gpt2, batch, GPT_LAYERS, tokens="all", batch_size=7)
    for acts in (a, g):
        assert all(X.shape[0] == int(m.sum()) for X in acts.values()) and acts.n_inputs == N
        assert torch.equal(acts.token_index, m.nonzero())                # (input, position), aligned across models
    torch.testing.assert_close(a["encoder.layer.1"], _hidden(bert, batch)[2][m.bool()], atol=1e-5, rtol=1e-5)


def test_cka_of_a_model_with_itself_is_one(bert, gpt2, batch):
    df = compare({"bert": bert, "gpt2": gpt2}, batch, layers={"bert": BERT_LAYERS, "gpt2": GPT_LAYERS},
                 measures="linear_cka", tokens="mean")
    same = df[(df.model_a == df.model_b) & (df.layer_a == df.layer_b)]
    assert len(same) == 6 and (same.value - 1).abs().max() < 1e-6
    cross = df[df.model_a != df.model_b]
    assert len(cross) == 9 and (cross.value < 0.999).all()               # two random nets are not identical
    assert (df.n == N).all()


def test_tuple_and_model_output_layers(bert, batch):
    A = get_activations(bert, batch, ["encoder", "encoder[last_hidden_state]", "encoder[0]"], tokens="cls")
    torch.testing.assert_close(A["encoder"], _hidden(bert, batch)[-1][:, 0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(A["encoder"], A["encoder[0]"]); torch.testing.assert_close(A["encoder"],
                                                                                         A["encoder[last_hidden_state]"])
    with pytest.raises(TypeError, match=r"no tensor at \[attentions\]"):
        get_activations(bert, batch, ["encoder[attentions]"], tokens="cls")


def test_dict_batch_forms_agree(bert, batch):
    records = [{k: v[i] for k, v in batch.items()} for i in range(N)]

    class Records(Dataset):
        def __len__(self): return N
        def __getitem__(self, i): return records[i]
    ref = get_activations(bert, batch, ["encoder.layer.1"], tokens="mean")["encoder.layer.1"]
    for form in (records, Records(), DataLoader(Records(), batch_size=5)):
        torch.testing.assert_close(get_activations(bert, form, ["encoder.layer.1"], tokens="mean")["encoder.layer.1"],
                                   ref)


def test_bad_inputs_are_clear(bert, gpt2, batch):
    with pytest.raises(ValueError, match="Unknown `tokens`"):
        get_activations(bert, batch, BERT_LAYERS, tokens="first")
    with pytest.raises(ValueError, match=r"'mean' \(masked mean.*'cls'.*'last'.*'all'"):
        get_activations(bert, batch, BERT_LAYERS)
    with pytest.raises(ValueError, match="tokens="):                     # compare names the option as well
        compare([bert], batch, layers=BERT_LAYERS, measures="linear_cka")
    with pytest.raises(ValueError, match="must be \\(inputs, tokens\\)"):
        get_activations(bert, {"input_ids": batch["input_ids"]}, BERT_LAYERS, tokens="mean",
                        mask=batch["attention_mask"][:, :5])
    with pytest.raises(ValueError, match=r"keys \['attention_mask'\].*input_ids"):
        get_activations(bert, {"attention_mask": batch["attention_mask"]}, BERT_LAYERS, tokens="mean")
    with pytest.raises(ValueError, match="not the batch"):               # a position embedding: (1, T, F)
        get_activations(gpt2, batch, ["transformer.wpe"], tokens="mean")


class Encoder(nn.Module):
    "A user module with nested submodules: layer names like encoder.block.0.conv."
    def __init__(self, seed=0):
        super().__init__(); torch.manual_seed(seed)
        blocks = [nn.Sequential() for _ in range(2)]
        for b, (cin, cout) in zip(blocks, [(3, 8), (8, 8)]):
            b.add_module("conv", nn.Conv2d(cin, cout, 3, padding=1)); b.add_module("act", nn.ReLU())
        self.encoder = nn.Module(); self.encoder.block = nn.ModuleList(blocks)
        self.head = nn.Linear(8, 10)

    def forward(self, pixel_values):
        h = pixel_values
        for b in self.encoder.block: h = b(h)
        return self.head(h.mean((2, 3)))


def test_torchvision_and_nested_user_modules_through_compare():
    torch.manual_seed(0)
    x = torch.randn(24, 3, 32, 32)
    nets = {"resnet18": torchvision.models.resnet18(weights=None, num_classes=10).eval(),
            "mobilenet": torchvision.models.mobilenet_v3_small(weights=None, num_classes=10).eval(),
            "user": Encoder()}
    layers = {"resnet18": ["layer1.0", "layer4.1", "fc"], "mobilenet": ["features.3", "classifier.3"],
              "user": ["encoder.block.0.conv", "encoder.block.1", "head"]}
    df = compare(nets, x, layers=layers, measures="linear_cka", layout="pool")
    same = df[(df.model_a == df.model_b) & (df.layer_a == df.layer_b)]
    assert len(same) == 8 and (same.value - 1).abs().max() < 1e-6
    assert (df[df.model_a != df.model_b].value < 0.999).all()
    u = get_activations(nets["user"], {"pixel_values": x}, layers["user"], layout="pool")
    with torch.no_grad(): conv = nets["user"].encoder.block[0].conv(x)
    torch.testing.assert_close(u["encoder.block.0.conv"], conv.mean((2, 3)))
    assert "encoder.block.0.conv" in list_layers(nets["user"], all=True)
    with pytest.raises(ValueError, match=r"needs \['pixel_values'\]"):
        get_activations(nets["user"], {"input_ids": x}, layers["user"])
